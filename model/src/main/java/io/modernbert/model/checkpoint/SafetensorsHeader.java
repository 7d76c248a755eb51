package io.modernbert.model.checkpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses and validates the JSON header of one safetensors file.
 *
 * <p>Everything that can be checked without touching the data section is checked here, so that a
 * successfully parsed header guarantees: every tensor has a known dtype, a non-negative shape, and
 * a byte range whose length equals {@code elementCount * dtype.byteSize()} and which lies inside a
 * data section of {@code dataSize} bytes.
 */
final class SafetensorsHeader {

  static final String METADATA_KEY = "__metadata__";

  /**
   * ObjectReader is immutable and thread-safe, so sharing one instance is not shared mutable state.
   */
  private static final ObjectReader JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).reader();

  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsHeader(Map<String, TensorInfo> tensors, Map<String, String> metadata) {
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /** Tensors sorted by name; unmodifiable. */
  Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /** The {@code __metadata__} entries in header order; unmodifiable, empty if absent. */
  Map<String, String> metadata() {
    return metadata;
  }

  /**
   * @param file used only in error messages
   * @param json the header bytes (UTF-8, possibly space-padded)
   * @param dataOffset absolute file offset of the data section, {@code 8 + json.length}
   * @param fileSize total file size in bytes
   */
  static SafetensorsHeader parse(Path file, byte[] json, long dataOffset, long fileSize) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new CheckpointException(
          file + ": bad header: not valid JSON (" + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new CheckpointException(
          file + ": bad header: cannot parse (" + e.getMessage() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointException(file + ": bad header: expected a JSON object");
    }
    Map<String, TensorInfo> tensors = new TreeMap<>();
    Map<String, String> metadata = Map.of();
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      if (entry.getKey().equals(METADATA_KEY)) {
        metadata = parseMetadata(file, entry.getValue());
      } else {
        TensorInfo info = parseTensor(file, entry.getKey(), entry.getValue());
        checkExtent(file, info, dataOffset, fileSize);
        tensors.put(info.name(), info);
      }
    }
    return new SafetensorsHeader(Collections.unmodifiableMap(tensors), metadata);
  }

  private static Map<String, String> parseMetadata(Path file, JsonNode node) {
    if (!node.isObject()) {
      throw new CheckpointException(file + ": bad header: " + METADATA_KEY + " is not an object");
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!entry.getValue().isTextual()) {
        throw new CheckpointException(
            file
                + ": bad header: "
                + METADATA_KEY
                + " value for '"
                + entry.getKey()
                + "' is not a string");
      }
      result.put(entry.getKey(), entry.getValue().textValue());
    }
    return Collections.unmodifiableMap(result);
  }

  private static TensorInfo parseTensor(Path file, String name, JsonNode node) {
    String where = file + ": bad header: tensor '" + name + "'";
    if (!node.isObject()) {
      throw new CheckpointException(where + " is not an object");
    }
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw new CheckpointException(where + " has no dtype string");
    }
    SafetensorsDType dtype =
        SafetensorsDType.fromWireName(dtypeNode.textValue())
            .orElseThrow(
                () ->
                    new CheckpointException(
                        where + " has unknown dtype '" + dtypeNode.textValue() + "'"));
    long[] shape = nonNegativeLongs(node.get("shape"), -1, where, "shape");
    long[] offsets = nonNegativeLongs(node.get("data_offsets"), 2, where, "data_offsets");
    if (offsets[1] < offsets[0]) {
      throw new CheckpointException(
          where + " has data_offsets " + Arrays.toString(offsets) + " with end before begin");
    }
    TensorInfo info = new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
    long expected;
    try {
      expected = Math.multiplyExact(info.elementCount(), dtype.byteSize());
    } catch (ArithmeticException e) {
      throw new CheckpointException(
          where + " has a shape " + Arrays.toString(shape) + " whose size overflows", e);
    }
    if (info.byteLength() != expected) {
      throw new CheckpointException(
          where
              + " has data_offsets "
              + Arrays.toString(offsets)
              + " spanning "
              + info.byteLength()
              + " bytes, but "
              + dtype
              + " "
              + Arrays.toString(shape)
              + " needs "
              + expected
              + " bytes");
    }
    return info;
  }

  /** Reads a JSON array of non-negative integers; {@code length < 0} accepts any length. */
  private static long[] nonNegativeLongs(JsonNode node, int length, String where, String field) {
    if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
      String wanted = length >= 0 ? "an array of " + length + " integers" : "an array of integers";
      throw new CheckpointException(where + " has no " + field + " (" + wanted + ")");
    }
    long[] values = new long[node.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode element = node.get(i);
      if (!element.isIntegralNumber() || !element.canConvertToLong() || element.longValue() < 0) {
        throw new CheckpointException(
            where
                + " has "
                + field
                + " element "
                + element
                + " that is not a non-negative integer");
      }
      values[i] = element.longValue();
    }
    return values;
  }

  private static void checkExtent(Path file, TensorInfo info, long dataOffset, long fileSize) {
    // Compare in absolute file offsets so the message talks about the same bytes `ls -l` shows.
    // Saturate instead of overflowing on absurd offsets.
    long needed =
        info.end() > Long.MAX_VALUE - dataOffset ? Long.MAX_VALUE : dataOffset + info.end();
    if (needed > fileSize) {
      throw new CheckpointException(
          file
              + ": truncated: tensor "
              + info.name()
              + " needs bytes up to "
              + needed
              + ", file has "
              + fileSize);
    }
  }
}
