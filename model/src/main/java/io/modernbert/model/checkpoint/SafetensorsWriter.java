package io.modernbert.model.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Writes float tensors as a safetensors file, for tests and for generating random checkpoints.
 *
 * <p>Layout: tensors in name order, packed without gaps; {@code __metadata__} first in the header
 * when non-empty; the header padded with spaces to a multiple of 8 bytes so the data section is
 * 8-byte aligned (what the reference implementation does too). Data is streamed through a small
 * buffer, so the file is never assembled in memory.
 */
public final class SafetensorsWriter {

  private static final ObjectWriter JSON = new ObjectMapper().writer(); // immutable, thread-safe
  private static final int BUFFER_BYTES = 1 << 16;

  private SafetensorsWriter() {}

  /**
   * Writes {@code file}, replacing any existing file.
   *
   * @param tensorsF32 tensor values in row-major order, by name
   * @param shapes one shape per tensor, same key set as {@code tensorsF32}
   * @param dtypeToStore F32, F16 or BF16; F16 and BF16 round to nearest even
   * @param metadata string metadata; may be empty or null
   * @throws IllegalArgumentException if the arguments are inconsistent
   * @throws CheckpointException if the file cannot be written (the message names it)
   */
  public static void write(
      Path file,
      Map<String, float[]> tensorsF32,
      Map<String, long[]> shapes,
      SafetensorsDType dtypeToStore,
      Map<String, String> metadata) {
    Objects.requireNonNull(file, "file");
    Map<String, float[]> sorted = validate(tensorsF32, shapes, dtypeToStore);
    byte[] header = header(sorted, shapes, dtypeToStore, metadata == null ? Map.of() : metadata);
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      buffer.putLong(header.length);
      for (byte b : header) {
        if (!buffer.hasRemaining()) {
          drain(channel, buffer);
        }
        buffer.put(b);
      }
      for (float[] values : sorted.values()) {
        for (float value : values) {
          if (buffer.remaining() < Float.BYTES) {
            drain(channel, buffer);
          }
          switch (dtypeToStore) {
            case F32 -> buffer.putFloat(value);
            case F16 -> buffer.putShort(HalfFloats.floatToHalf(value));
            case BF16 -> buffer.putShort(HalfFloats.floatToBf16(value));
            default -> throw new AssertionError(dtypeToStore);
          }
        }
      }
      drain(channel, buffer);
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot write (" + e + ")", e);
    }
  }

  private static Map<String, float[]> validate(
      Map<String, float[]> tensors, Map<String, long[]> shapes, SafetensorsDType dtype) {
    Objects.requireNonNull(tensors, "tensorsF32");
    Objects.requireNonNull(shapes, "shapes");
    if (dtype != SafetensorsDType.F32
        && dtype != SafetensorsDType.F16
        && dtype != SafetensorsDType.BF16) {
      throw new IllegalArgumentException("can only store F32, F16 or BF16, not " + dtype);
    }
    if (!shapes.keySet().equals(tensors.keySet())) {
      throw new IllegalArgumentException(
          "tensor names "
              + new TreeMap<>(tensors).keySet()
              + " and shape names "
              + new TreeMap<>(shapes).keySet()
              + " differ");
    }
    Map<String, float[]> sorted = new TreeMap<>(tensors);
    for (Map.Entry<String, float[]> entry : sorted.entrySet()) {
      String name = entry.getKey();
      if (name.equals(SafetensorsHeader.METADATA_KEY)) {
        throw new IllegalArgumentException(name + " is reserved and cannot name a tensor");
      }
      long[] shape = Objects.requireNonNull(shapes.get(name), () -> "shape of " + name);
      float[] values = Objects.requireNonNull(entry.getValue(), () -> "values of " + name);
      long count = new TensorInfo(name, dtype, shape, 0, 0).elementCount();
      if (count != values.length) {
        throw new IllegalArgumentException(
            "tensor "
                + name
                + " has "
                + values.length
                + " values but shape "
                + Arrays.toString(shape)
                + " needs "
                + count);
      }
    }
    return sorted;
  }

  /** The UTF-8 header JSON, space-padded to a multiple of 8 bytes. */
  private static byte[] header(
      Map<String, float[]> sorted,
      Map<String, long[]> shapes,
      SafetensorsDType dtype,
      Map<String, String> metadata) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
      new TreeMap<>(metadata).forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, float[]> entry : sorted.entrySet()) {
      long end = offset + (long) entry.getValue().length * dtype.byteSize();
      ObjectNode tensor = root.putObject(entry.getKey());
      tensor.put("dtype", dtype.name());
      ArrayNode shape = tensor.putArray("shape");
      for (long dim : shapes.get(entry.getKey())) {
        shape.add(dim);
      }
      tensor.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a tree of plain nodes", e);
    }
    int padded = (json.length + 7) & ~7;
    byte[] header = Arrays.copyOf(json, padded);
    Arrays.fill(header, json.length, padded, (byte) ' ');
    return header;
  }

  private static void drain(FileChannel channel, ByteBuffer buffer) throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    buffer.clear();
  }
}
