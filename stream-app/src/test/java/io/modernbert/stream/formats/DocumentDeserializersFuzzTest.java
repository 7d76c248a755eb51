package io.modernbert.stream.formats;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.modernbert.schemas.Document;
import io.modernbert.stream.errors.AvroLimits;
import io.modernbert.stream.errors.DocumentDeserializer;
import io.modernbert.stream.errors.InvalidDocumentException;
import io.modernbert.stream.faults.StubRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every input format's deserializer, on any bytes a producer could write: it returns a document
 * within the limits or throws {@link InvalidDocumentException} (a dead letter with a reason).
 * Anything else that escapes (a NullPointerException, an index out of bounds, an out-of-memory from
 * a length it believed) is a finding. The seeds in {@code DocumentDeserializersFuzzTestInputs} run
 * with the unit tests; {@code .ci/run} fuzzes each target for a fixed time.
 */
class DocumentDeserializersFuzzTest {
  private static final int MAX_TEXT_BYTES = 64 * 1024;
  private static final String AVRO_SCHEMA =
      "{\"type\":\"record\",\"name\":\"Event\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"string\"},"
          + "{\"name\":\"body\",\"type\":{\"type\":\"record\",\"name\":\"Body\",\"fields\":"
          + "[{\"name\":\"text\",\"type\":[\"null\",\"string\"]}]}},"
          + "{\"name\":\"tags\",\"type\":{\"type\":\"map\",\"values\":\"string\"}},"
          + "{\"name\":\"blob\",\"type\":\"bytes\"},"
          + "{\"name\":\"scores\",\"type\":{\"type\":\"array\",\"items\":\"double\"}}]}";

  private static StubRegistry registry;
  private static Deserializer<Document> registryAvro;
  private static Deserializer<Document> registryJson;
  private static final Deserializer<Document> OUR_AVRO = new DocumentDeserializer(MAX_TEXT_BYTES);
  private static final Deserializer<Document> JSON_POINTER =
      new JsonDocumentDeserializer("/body/text", "/id", MAX_TEXT_BYTES);
  private static final Deserializer<Document> PLAIN =
      new StringDocumentDeserializer(MAX_TEXT_BYTES);

  @BeforeAll
  static void startRegistry() throws Exception {
    AvroLimits.apply(MAX_TEXT_BYTES);
    registry = new StubRegistry(Map.of(1, AVRO_SCHEMA, 2, "{\"type\":\"object\"}"), 0);
    SchemaRegistryClient client =
        new SchemaRegistryClient(registry.url(), null, Duration.ofSeconds(5));
    registryAvro =
        new RegistryAvroDocumentDeserializer(client, "/body/text", "/id", MAX_TEXT_BYTES);
    registryJson =
        new RegistryJsonDocumentDeserializer(client, "/body/text", "/id", MAX_TEXT_BYTES);
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @FuzzTest(maxDuration = "20s")
  void ourAvroDocument(byte[] value) {
    check(OUR_AVRO, value);
  }

  @FuzzTest(maxDuration = "20s")
  void jsonAtAPointer(byte[] value) {
    check(JSON_POINTER, value);
  }

  @FuzzTest(maxDuration = "20s")
  void plainString(byte[] value) {
    check(PLAIN, value);
  }

  /** Confluent wire format: magic byte, a schema id the registry knows (or not), the payload. */
  @FuzzTest(maxDuration = "20s")
  void registryFormats(FuzzedDataProvider data) {
    boolean json = data.consumeBoolean();
    int schemaId = data.consumeInt(1, 2); // both known and cached: a fetch per input would be slow
    byte[] payload = data.consumeRemainingAsBytes();
    byte[] value =
        ByteBuffer.allocate(5 + payload.length).put((byte) 0).putInt(schemaId).put(payload).array();
    check(json ? registryJson : registryAvro, value);
  }

  private static void check(Deserializer<Document> deserializer, byte[] value) {
    Document document;
    try {
      document = deserializer.deserialize("documents", value);
    } catch (InvalidDocumentException expected) {
      return;
    }
    if (document.getId() == null || document.getText() == null) {
      throw new IllegalStateException("a document without id or text got through: " + document);
    }
    if (document.getText().length() > MAX_TEXT_BYTES) {
      throw new IllegalStateException("a text over the limit got through");
    }
  }
}
