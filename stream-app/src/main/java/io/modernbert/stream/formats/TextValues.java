package io.modernbert.stream.formats;

import io.modernbert.schemas.DeadLetterReason;
import io.modernbert.stream.errors.InvalidDocumentException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Checks every input format applies to a text, with the dead-letter reason for each failure. */
public final class TextValues {
  private TextValues() {}

  /** Strict UTF-8: invalid bytes are an error, never U+FFFD. */
  public static String utf8(byte[] bytes, String what) {
    return utf8(ByteBuffer.wrap(bytes), what);
  }

  /** As {@link #utf8(byte[], String)}, for the remaining bytes of {@code bytes} (not consumed). */
  public static String utf8(ByteBuffer bytes, String what) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes.duplicate())
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidDocumentException(
          DeadLetterReason.INVALID_UTF8, "the " + what + " is not valid UTF-8", e);
    }
  }

  /** The text if it is within {@code maxTextBytes} and not blank. */
  static String checked(String text, int maxTextBytes) {
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > maxTextBytes) {
      throw new InvalidDocumentException(
          DeadLetterReason.TOO_LARGE,
          "the text has " + bytes + " bytes; the limit is " + maxTextBytes);
    }
    if (text.isBlank()) {
      throw new InvalidDocumentException(DeadLetterReason.EMPTY_TEXT, "the text is empty");
    }
    return text;
  }
}
