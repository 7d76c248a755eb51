package io.modernbert.stream.errors;

import io.modernbert.schemas.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Bounds on what a document carries besides its text, checked at every entrance (the Kafka input
 * formats, HTTP ingestion, the processor for keys and copied headers). Attributes, the key and the
 * copied headers are kept in the changelogged store and copied to every output; unbounded, one
 * document makes a changelog or output record larger than {@code max.request.size}, a send that
 * fails the task's transaction on every retry. With these bounds an output stays far below 1 MiB.
 */
public final class InputLimits {
  /** Attributes per document. */
  public static final int MAX_ATTRIBUTES = 64;

  /** UTF-8 bytes of all attribute names and values together. */
  public static final int MAX_ATTRIBUTE_BYTES = 16 * 1024;

  /** UTF-8 bytes of a record key (the outputs' key). */
  public static final int MAX_KEY_BYTES = 16 * 1024;

  /** Bytes of the input headers copied to the outputs, names and values together. */
  public static final int MAX_COPIED_HEADER_BYTES = 16 * 1024;

  private InputLimits() {}

  /** Why {@code attributes} are over the limits, or empty when they are within them. */
  public static Optional<String> attributesProblem(Map<? extends CharSequence, ?> attributes) {
    if (attributes.size() > MAX_ATTRIBUTES) {
      return Optional.of(
          attributes.size() + " attributes; the limit is " + MAX_ATTRIBUTES + " per document");
    }
    long bytes = 0;
    for (Map.Entry<? extends CharSequence, ?> entry : attributes.entrySet()) {
      bytes += utf8Length(entry.getKey()) + utf8Length(String.valueOf(entry.getValue()));
    }
    if (bytes > MAX_ATTRIBUTE_BYTES) {
      return Optional.of(
          "attributes of "
              + bytes
              + " bytes (names and values); the limit is "
              + MAX_ATTRIBUTE_BYTES
              + " per document");
    }
    return Optional.empty();
  }

  /** As {@link #attributesProblem}, thrown as a TOO_LARGE {@link InvalidDocumentException}. */
  public static void checkAttributes(Map<? extends CharSequence, ?> attributes) {
    attributesProblem(attributes)
        .ifPresent(
            problem -> {
              throw new InvalidDocumentException(
                  DeadLetterReason.TOO_LARGE, "the document has " + problem);
            });
  }

  /** Why a record key or document id ({@code what}) is over the limit, or empty. */
  public static Optional<String> keyProblem(String what, String value) {
    long bytes = value == null ? 0 : utf8Length(value);
    return bytes > MAX_KEY_BYTES
        ? Optional.of(
            (what.matches("^[aeiou].*") ? "an " : "a ")
                + what
                + " of "
                + bytes
                + " bytes; the limit is "
                + MAX_KEY_BYTES)
        : Optional.empty();
  }

  static long utf8Length(CharSequence text) {
    return text.toString().getBytes(StandardCharsets.UTF_8).length;
  }
}
