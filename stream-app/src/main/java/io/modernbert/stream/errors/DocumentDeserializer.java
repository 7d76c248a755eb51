package io.modernbert.stream.errors;

import io.modernbert.schemas.DeadLetterReason;
import io.modernbert.schemas.Document;
import io.modernbert.stream.formats.TextValues;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads and validates an input {@link Document}; anything we cannot encode is an {@link
 * InvalidDocumentException} naming the reason, which {@link DeadLetterHandler} turns into a dead
 * letter while the application goes on.
 *
 * <p>Avro's Java string decoding silently replaces invalid UTF-8 with U+FFFD, which would encode a
 * corrupted text as if it were fine. So the record is read with a reader schema whose id and text
 * are {@code bytes} (Avro resolves string to bytes) and decoded strictly here.
 *
 * <p>Lengths and counts the record claims are bounded by Avro's limits ({@link AvroLimits}), the
 * attributes by {@link InputLimits}.
 */
public final class DocumentDeserializer implements Deserializer<Document> {
  private static final Schema RAW = rawReaderSchema();

  private final BinaryMessageDecoder<GenericRecord> decoder;
  private final int maxTextBytes;

  public DocumentDeserializer(int maxTextBytes) {
    this.maxTextBytes = maxTextBytes;
    this.decoder = new BinaryMessageDecoder<>(GenericData.get(), RAW);
    this.decoder.addSchema(Document.getClassSchema());
  }

  /** Document with id and text as bytes; everything else as written. */
  private static Schema rawReaderSchema() {
    Schema document = Document.getClassSchema();
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : document.getFields()) {
      boolean raw = field.name().equals("id") || field.name().equals("text");
      fields.add(
          new Schema.Field(
              field.name(),
              raw ? Schema.create(Schema.Type.BYTES) : field.schema(),
              field.doc(),
              field.defaultVal()));
    }
    return Schema.createRecord(
        document.getName(), document.getDoc(), document.getNamespace(), false, fields);
  }

  @Override
  public Document deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      throw new InvalidDocumentException(
          DeadLetterReason.MISSING_TEXT, "null value (tombstone): no document");
    }
    GenericRecord raw;
    try {
      raw = decoder.decode(bytes);
    } catch (Exception e) {
      throw new InvalidDocumentException(
          DeadLetterReason.UNDECODABLE,
          "not a single-object encoded io.modernbert.schemas.Document (" + e.getMessage() + ")",
          e);
    }
    String id = TextValues.utf8((ByteBuffer) raw.get("id"), "id");
    if (id.isBlank()) {
      throw new InvalidDocumentException(
          DeadLetterReason.MISSING_ID, "the document has an empty id");
    }
    ByteBuffer textBytes = (ByteBuffer) raw.get("text");
    if (textBytes.remaining() > maxTextBytes) {
      throw new InvalidDocumentException(
          DeadLetterReason.TOO_LARGE,
          "document "
              + id
              + " has "
              + textBytes.remaining()
              + " bytes of text; the limit is "
              + maxTextBytes);
    }
    String text = TextValues.utf8(textBytes, "text of document " + id);
    if (text.isBlank()) {
      throw new InvalidDocumentException(
          DeadLetterReason.EMPTY_TEXT, "document " + id + " has no text");
    }
    @SuppressWarnings("unchecked")
    Map<CharSequence, Object> attributes = (Map<CharSequence, Object>) raw.get("attributes");
    InputLimits.checkAttributes(attributes);
    Map<String, String> copied = new HashMap<>();
    attributes.forEach((key, value) -> copied.put(key.toString(), value.toString()));
    return Document.newBuilder()
        .setId(id)
        .setText(text)
        .setAttributes(copied)
        .setCreatedAt((Instant) createdAt(raw))
        .build();
  }

  private static Object createdAt(GenericRecord raw) {
    Object value = raw.get("createdAt");
    return value instanceof Long millis ? Instant.ofEpochMilli(millis) : value;
  }
}
