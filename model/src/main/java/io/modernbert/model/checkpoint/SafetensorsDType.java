package io.modernbert.model.checkpoint;

import java.util.Optional;

/**
 * Element types of the safetensors format, spelled exactly as they appear in a header's {@code
 * "dtype"} field (the enum constant names are the wire names).
 */
public enum SafetensorsDType {
  BOOL(1),
  U8(1),
  I8(1),
  F8_E4M3(1),
  F8_E5M2(1),
  I16(2),
  U16(2),
  F16(2),
  BF16(2),
  I32(4),
  U32(4),
  F32(4),
  I64(8),
  U64(8),
  F64(8);

  private final int byteSize;

  SafetensorsDType(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element in the data section. */
  public int byteSize() {
    return byteSize;
  }

  /**
   * Looks up a header spelling. Returns empty rather than throwing so the header parser can report
   * the unknown name together with the file and tensor it came from.
   */
  public static Optional<SafetensorsDType> fromWireName(String name) {
    for (SafetensorsDType type : values()) {
      if (type.name().equals(name)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
