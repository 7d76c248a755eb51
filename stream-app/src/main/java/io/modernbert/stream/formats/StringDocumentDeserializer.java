package io.modernbert.stream.formats;

import io.modernbert.schemas.DeadLetterReason;
import io.modernbert.schemas.Document;
import io.modernbert.stream.errors.InvalidDocumentException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * {@code --input-format string}: the record value is the text, UTF-8; the record key is the id (the
 * returned document's id is empty, and the processor takes the key).
 */
public final class StringDocumentDeserializer implements Deserializer<Document> {
  private final int maxTextBytes;

  public StringDocumentDeserializer(int maxTextBytes) {
    this.maxTextBytes = maxTextBytes;
  }

  @Override
  public Document deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      throw new InvalidDocumentException(
          DeadLetterReason.MISSING_TEXT, "null value (tombstone): no text");
    }
    if (bytes.length > maxTextBytes) {
      throw new InvalidDocumentException(
          DeadLetterReason.TOO_LARGE,
          "the text has " + bytes.length + " bytes; the limit is " + maxTextBytes);
    }
    String text = TextValues.checked(TextValues.utf8(bytes, "value"), maxTextBytes);
    return Document.newBuilder().setId("").setText(text).build();
  }
}
