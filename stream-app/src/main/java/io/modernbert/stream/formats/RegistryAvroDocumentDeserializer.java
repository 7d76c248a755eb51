package io.modernbert.stream.formats;

import io.modernbert.schemas.DeadLetterReason;
import io.modernbert.schemas.Document;
import io.modernbert.stream.errors.InvalidDocumentException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * {@code --input-format registry-avro}: Avro records in Confluent wire format, their writer schemas
 * fetched by id from the Schema Registry (cached). The text and the id are found by field path
 * ({@code /body/text}: field {@code body}, then its field {@code text}); without an id path the
 * record key is the id. Strings are decoded strictly: invalid UTF-8 is a dead letter, never U+FFFD.
 */
public final class RegistryAvroDocumentDeserializer implements Deserializer<Document> {
  private final SchemaRegistryClient registry;
  private final String[] textPath;
  private final String[] idPath;
  private final int maxTextBytes;
  private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new ConcurrentHashMap<>();

  public RegistryAvroDocumentDeserializer(
      SchemaRegistryClient registry, String textPath, String idPath, int maxTextBytes) {
    this.registry = registry;
    this.textPath = segments(textPath);
    this.idPath = idPath == null ? null : segments(idPath);
    this.maxTextBytes = maxTextBytes;
  }

  static String[] segments(String path) {
    return path.substring(1).split("/");
  }

  @Override
  public Document deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      throw new InvalidDocumentException(
          DeadLetterReason.MISSING_TEXT, "null value (tombstone): no document");
    }
    int schemaId = ConfluentWireFormat.schemaId(bytes);
    GenericRecord record;
    try {
      record =
          reader(schemaId)
              .read(
                  null,
                  DecoderFactory.get()
                      .binaryDecoder(
                          bytes,
                          ConfluentWireFormat.HEADER_BYTES,
                          bytes.length - ConfluentWireFormat.HEADER_BYTES,
                          null));
    } catch (IOException | RuntimeException e) {
      if (e instanceof RegistryUnavailableException || e instanceof InvalidDocumentException) {
        throw (RuntimeException) e;
      }
      throw new InvalidDocumentException(
          DeadLetterReason.UNDECODABLE,
          "not an Avro record of schema " + schemaId + ": " + e.getMessage(),
          e);
    }
    Object text = at(record, textPath);
    if (!(text instanceof CharSequence)) {
      throw new InvalidDocumentException(
          DeadLetterReason.MISSING_TEXT,
          text == null
              ? "no text at /" + String.join("/", textPath)
              : "the field /" + String.join("/", textPath) + " is not a string");
    }
    String id = "";
    if (idPath != null) {
      Object value = at(record, idPath);
      if (!(value instanceof CharSequence || value instanceof Integer || value instanceof Long)
          || value.toString().isBlank()) {
        throw new InvalidDocumentException(
            DeadLetterReason.MISSING_ID, "no string or integer id at /" + String.join("/", idPath));
      }
      id = value instanceof Utf8 utf8 ? strict(utf8, "id") : value.toString();
    }
    String decoded = text instanceof Utf8 utf8 ? strict(utf8, "text") : text.toString();
    return Document.newBuilder()
        .setId(id)
        .setText(TextValues.checked(decoded, maxTextBytes))
        .build();
  }

  private GenericDatumReader<GenericRecord> reader(int schemaId) {
    GenericDatumReader<GenericRecord> reader = readers.get(schemaId);
    if (reader != null) {
      return reader;
    }
    SchemaRegistryClient.RegisteredSchema registered = registry.schemaById(schemaId);
    if (!registered.type().equals("AVRO")) {
      throw new InvalidDocumentException(
          DeadLetterReason.UNDECODABLE,
          "schema "
              + schemaId
              + " is "
              + registered.type()
              + ", not AVRO (use --input-format registry-json for JSON Schema)");
    }
    Schema schema;
    try {
      schema = new Schema.Parser().parse(registered.schema());
    } catch (RuntimeException e) {
      throw new InvalidDocumentException(
          DeadLetterReason.UNDECODABLE,
          "schema " + schemaId + " is not valid Avro: " + e.getMessage(),
          e);
    }
    reader = new GenericDatumReader<>(schema);
    readers.put(schemaId, reader);
    return reader;
  }

  private static Object at(GenericRecord record, String[] path) {
    Object value = record;
    for (String field : path) {
      if (!(value instanceof GenericRecord current)
          || current.getSchema().getField(field) == null) {
        return null;
      }
      value = current.get(field);
    }
    return value;
  }

  private static String strict(Utf8 value, String what) {
    return TextValues.utf8(ByteBuffer.wrap(value.getBytes(), 0, value.getByteLength()), what);
  }
}
