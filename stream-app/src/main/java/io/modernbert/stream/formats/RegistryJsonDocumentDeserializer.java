package io.modernbert.stream.formats;

import io.modernbert.schemas.DeadLetterReason;
import io.modernbert.schemas.Document;
import io.modernbert.stream.errors.InvalidDocumentException;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * {@code --input-format registry-json}: JSON Schema records in Confluent wire format. The schema id
 * must name a JSON schema in the registry (looked up once per id); the JSON after the header is
 * read as {@code --input-format json} reads its values (text and id by JSON Pointer).
 */
public final class RegistryJsonDocumentDeserializer implements Deserializer<Document> {
  private final SchemaRegistryClient registry;
  private final JsonDocumentDeserializer json;

  public RegistryJsonDocumentDeserializer(
      SchemaRegistryClient registry, String textPointer, String idPointer, int maxTextBytes) {
    this.registry = registry;
    this.json = new JsonDocumentDeserializer(textPointer, idPointer, maxTextBytes);
  }

  @Override
  public Document deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      throw new InvalidDocumentException(
          DeadLetterReason.MISSING_TEXT, "null value (tombstone): no document");
    }
    int schemaId = ConfluentWireFormat.schemaId(bytes);
    SchemaRegistryClient.RegisteredSchema schema = registry.schemaById(schemaId);
    if (!schema.type().equals("JSON")) {
      throw new InvalidDocumentException(
          DeadLetterReason.UNDECODABLE,
          "schema "
              + schemaId
              + " is "
              + schema.type()
              + ", not JSON (use --input-format registry-avro for Avro)");
    }
    return json.deserialize(
        topic, Arrays.copyOfRange(bytes, ConfluentWireFormat.HEADER_BYTES, bytes.length));
  }
}
