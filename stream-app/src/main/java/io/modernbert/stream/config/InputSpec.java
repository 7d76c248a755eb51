package io.modernbert.stream.config;

import com.fasterxml.jackson.core.JsonPointer;
import io.modernbert.model.engine.Windows;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How the records of the documents topic are read.
 *
 * @param format the value's format
 * @param textPointer JSON Pointer to the text ({@link Format#JSON} only), e.g. {@code /body/text}
 * @param idPointer JSON Pointer to the document id ({@link Format#JSON} only); null: the record key
 *     is the id
 * @param longDocuments documents over the model's limit: truncated, or read whole in windows
 * @param windowOverlap content tokens consecutive windows share
 * @param copiedHeaders names of input record headers copied to the outputs
 */
public record InputSpec(
    Format format,
    String textPointer,
    String idPointer,
    Windows.LongDocuments longDocuments,
    int windowOverlap,
    List<String> copiedHeaders) {
  /** Value formats of the documents topic. */
  public enum Format {
    /** Our Avro {@code Document} in single-object encoding (the default). */
    DOCUMENT,
    /** A JSON object; the text (and optionally the id) found by JSON Pointer. */
    JSON,
    /** The value is the text (UTF-8); the key is the id. */
    STRING,
    /**
     * Avro in Confluent wire format, the schema from the Schema Registry; text and id by field
     * path.
     */
    REGISTRY_AVRO,
    /** JSON Schema in Confluent wire format; text and id by JSON Pointer. */
    REGISTRY_JSON;

    /**
     * {@code document}, {@code json}, {@code string}, {@code registry-avro} or {@code
     * registry-json}, any case.
     */
    public static Format parse(String name) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "input format must be document, json, string, registry-avro or registry-json, not '"
                + name
                + "'",
            e);
      }
    }

    /** Whether values carry a Schema Registry schema id. */
    public boolean usesRegistry() {
      return this == REGISTRY_AVRO || this == REGISTRY_JSON;
    }
  }

  public InputSpec {
    Objects.requireNonNull(format, "format");
    copiedHeaders = List.copyOf(copiedHeaders);
    if (windowOverlap < 0) {
      throw new IllegalArgumentException("the window overlap must be >= 0, not " + windowOverlap);
    }
    if (format == Format.JSON || format.usesRegistry()) {
      compile(textPointer, "text field");
      if (idPointer != null) {
        compile(idPointer, "id field");
      }
    }
  }

  public static InputSpec document() {
    return new InputSpec(
        Format.DOCUMENT,
        null,
        null,
        Windows.LongDocuments.TRUNCATE,
        Windows.DEFAULT_OVERLAP,
        List.of());
  }

  public static InputSpec string() {
    return new InputSpec(
        Format.STRING,
        null,
        null,
        Windows.LongDocuments.TRUNCATE,
        Windows.DEFAULT_OVERLAP,
        List.of());
  }

  /**
   * JSON values: the text at {@code textPointer}, the id at {@code idPointer} or (null) the record
   * key.
   */
  public static InputSpec json(String textPointer, String idPointer) {
    return new InputSpec(
        Format.JSON,
        textPointer,
        idPointer,
        Windows.LongDocuments.TRUNCATE,
        Windows.DEFAULT_OVERLAP,
        List.of());
  }

  /**
   * Schema Registry values ({@link Format#REGISTRY_AVRO} or {@link Format#REGISTRY_JSON}): text and
   * id by path as for JSON.
   */
  public static InputSpec registry(Format format, String textPath, String idPath) {
    if (!format.usesRegistry()) {
      throw new IllegalArgumentException(format + " is not a Schema Registry format");
    }
    return new InputSpec(
        format,
        textPath,
        idPath,
        Windows.LongDocuments.TRUNCATE,
        Windows.DEFAULT_OVERLAP,
        List.of());
  }

  /**
   * The same, with documents over the limit {@code mode}d ({@link Windows.LongDocuments#WINDOWS}:
   * read whole).
   */
  public InputSpec withLongDocuments(Windows.LongDocuments mode, int overlap) {
    return new InputSpec(format, textPointer, idPointer, mode, overlap, copiedHeaders);
  }

  /** The same, copying the input headers {@code names} to the outputs. */
  public InputSpec withCopiedHeaders(List<String> names) {
    return new InputSpec(format, textPointer, idPointer, longDocuments, windowOverlap, names);
  }

  private static void compile(String pointer, String what) {
    if (pointer == null || pointer.isEmpty() || !pointer.startsWith("/")) {
      throw new IllegalArgumentException(
          "the " + what + " must be a JSON Pointer such as /body/text, not '" + pointer + "'");
    }
    JsonPointer.compile(pointer);
  }
}
