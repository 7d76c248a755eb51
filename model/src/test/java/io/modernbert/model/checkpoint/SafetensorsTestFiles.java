package io.modernbert.model.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors files byte by byte, so tests can produce layouts the writer never would. */
final class SafetensorsTestFiles {

  private SafetensorsTestFiles() {}

  /** Writes the 8-byte length prefix, {@code headerJson} verbatim (UTF-8), then {@code data}. */
  static Path raw(Path file, String headerJson, byte[] data) throws IOException {
    byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
    ByteBuffer bytes =
        ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.putLong(header.length).put(header).put(data);
    return Files.write(file, bytes.array());
  }

  /** Writes only a length prefix with the given value followed by {@code rest}. */
  static Path withLengthPrefix(Path file, long headerLength, byte[] rest) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.putLong(headerLength).put(rest);
    return Files.write(file, bytes.array());
  }

  static byte[] shorts(int... values) {
    ByteBuffer bytes = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int value : values) {
      bytes.putShort((short) value);
    }
    return bytes.array();
  }

  static byte[] ints(int... values) {
    ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int value : values) {
      bytes.putInt(value);
    }
    return bytes.array();
  }

  static byte[] longs(long... values) {
    ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long value : values) {
      bytes.putLong(value);
    }
    return bytes.array();
  }

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    ByteBuffer bytes = ByteBuffer.allocate(length);
    for (byte[] part : parts) {
      bytes.put(part);
    }
    return bytes.array();
  }
}
