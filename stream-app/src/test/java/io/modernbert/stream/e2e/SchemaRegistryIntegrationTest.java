package io.modernbert.stream.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modernbert.model.engine.DocumentInput;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.Embedding;
import io.modernbert.stream.ReadCommitted;
import io.modernbert.stream.StreamApp;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.broker.EmbeddedKafka;
import io.modernbert.stream.config.AppConfig;
import io.modernbert.stream.config.InputSpec;
import io.modernbert.stream.formats.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema Registry formats against a real registry (Apicurio Registry, its Confluent-compatible API)
 * and the real broker: Avro and JSON Schema records in Confluent wire format in, Avro in wire
 * format out and read back by a consumer that resolves the schema by id, and a registry outage in
 * the middle of a stream, during which records wait and after which every one is processed once.
 */
class SchemaRegistryIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Schema TICKET_V1 =
      new Schema.Parser()
          .parse(
              """
      {"type": "record", "name": "Ticket", "namespace": "example.support", "fields": [
        {"name": "meta", "type": {"type": "record", "name": "Meta", "fields": [{"name": "id", "type": "long"}]}},
        {"name": "body", "type": {"type": "record", "name": "Body", "fields": [{"name": "text", "type": "string"}]}}]}""");
  private static final Schema TICKET_V2 =
      new Schema.Parser()
          .parse(
              """
      {"type": "record", "name": "Ticket", "namespace": "example.support", "fields": [
        {"name": "meta", "type": {"type": "record", "name": "Meta", "fields": [{"name": "id", "type": "long"}]}},
        {"name": "body", "type": {"type": "record", "name": "Body", "fields": [{"name": "text", "type": "string"}]}},
        {"name": "priority", "type": "int", "default": 0}]}""");

  @TempDir static Path dataDir;
  private static EmbeddedKafka kafka;
  private static ApicurioRegistry registry;
  private static InferenceEngine engine;

  @BeforeAll
  static void start() throws Exception {
    registry = ApicurioRegistry.start();
    kafka = EmbeddedKafka.start(dataDir.resolve("kafka"));
    engine = InferenceEngine.load(StreamFixtures.LANGID_MODEL, StreamFixtures.engineOptions());
  }

  @AfterAll
  static void stop() throws Exception {
    if (engine != null) {
      engine.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private static AppConfig config(String name, InputSpec input, AppConfig.OutputFormat output) {
    return AppConfig.defaults(kafka.bootstrapServers(), StreamFixtures.LANGID_MODEL)
        .withApplicationId("registry-" + name)
        .withTopics(
            new AppConfig.TopicNames(
                name + "-in", name + "-embeddings", name + "-labels", name + "-dead"))
        .withEngine(StreamFixtures.engineOptions())
        .withStateDir(dataDir.resolve("state-" + name))
        .withInput(input)
        .withOutputFormat(output)
        .withSchemaRegistry(new AppConfig.SchemaRegistry(registry.url(), null));
  }

  private static SchemaRegistryClient client() {
    return new SchemaRegistryClient(registry.url(), null, Duration.ofSeconds(5));
  }

  static byte[] wire(int schemaId, byte[] payload) {
    return ByteBuffer.allocate(5 + payload.length)
        .put((byte) 0)
        .putInt(schemaId)
        .put(payload)
        .array();
  }

  static byte[] avroTicket(Schema schema, int schemaId, long id, String text) throws Exception {
    GenericRecord meta = new GenericData.Record(schema.getField("meta").schema());
    meta.put("id", id);
    GenericRecord body = new GenericData.Record(schema.getField("body").schema());
    body.put("text", text);
    GenericRecord ticket = new GenericData.Record(schema);
    ticket.put("meta", meta);
    ticket.put("body", body);
    if (schema.getField("priority") != null) {
      ticket.put("priority", 2);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(ticket, encoder);
    encoder.flush();
    return wire(schemaId, out.toByteArray());
  }

  /** Texts by key, and the engine's own results for them in the same order. */
  private static List<EncodedDocument> expected(Map<String, String> texts) {
    List<DocumentInput> inputs = new ArrayList<>();
    texts.forEach((key, text) -> inputs.add(DocumentInput.text(key, text)));
    return engine.encode(inputs, false);
  }

  @Test
  void avroInWireFormatInAndOutResolvedByIdFromTheRegistry() throws Exception {
    AppConfig config =
        config(
            "avro",
            InputSpec.registry(InputSpec.Format.REGISTRY_AVRO, "/body/text", "/meta/id"),
            AppConfig.OutputFormat.REGISTRY_AVRO);
    int schemaId =
        client().register(config.topics().documents() + "-value", "AVRO", TICKET_V1.toString());
    Map<String, String> texts = new LinkedHashMap<>();
    Map<String, byte[]> values = new LinkedHashMap<>();
    List<String> sentences = StreamFixtures.sentences();
    for (int i = 0; i < 30; i++) {
      String key = "customer-" + i;
      texts.put(key, sentences.get(200 + i));
      values.put(key, avroTicket(TICKET_V1, schemaId, 5000 + i, sentences.get(200 + i)));
    }
    values.put("not-wire", "plain text, no schema id".getBytes(StandardCharsets.UTF_8));
    try (StreamApp app =
        StreamApp.start(config, new SimpleMeterRegistry(), 2, Duration.ofMinutes(2))) {
      LoadGenerator.sendRaw(kafka.bootstrapServers(), config.topics().documents(), values);
      List<ConsumerRecord<String, byte[]>> embeddings =
          ReadCommitted.records(
              kafka.bootstrapServers(),
              config.topics().embeddings(),
              texts.size(),
              Duration.ofMinutes(2));
      List<ConsumerRecord<String, byte[]>> labels =
          ReadCommitted.records(
              kafka.bootstrapServers(),
              config.topics().labels(),
              texts.size(),
              Duration.ofSeconds(30));
      assertThat(embeddings).hasSize(texts.size());
      assertThat(labels).hasSize(texts.size());

      // A consumer that knows no schema: it reads the id from each value and asks the registry.
      SchemaRegistryClient consumerSide = client();
      Map<String, GenericRecord> byKey = new HashMap<>();
      for (ConsumerRecord<String, byte[]> record : embeddings) {
        int id = ByteBuffer.wrap(record.value(), 1, 4).getInt();
        assertThat(record.value()[0]).isZero();
        Schema writer = new Schema.Parser().parse(consumerSide.schemaById(id).schema());
        assertThat(writer.getFullName()).isEqualTo(Embedding.getClassSchema().getFullName());
        byKey.put(
            record.key(),
            new GenericDatumReader<GenericRecord>(writer)
                .read(
                    null,
                    DecoderFactory.get()
                        .binaryDecoder(record.value(), 5, record.value().length - 5, null)));
      }
      List<EncodedDocument> expected = expected(texts);
      List<String> keys = new ArrayList<>(texts.keySet());
      for (int i = 0; i < keys.size(); i++) {
        GenericRecord embedding = byKey.get(keys.get(i));
        assertThat(embedding.get("id").toString()).isEqualTo(Long.toString(5000 + i));
        @SuppressWarnings("unchecked")
        List<Float> vector = (List<Float>) embedding.get("vector");
        for (int d = 0; d < vector.size(); d++) {
          assertThat((double) vector.get(d))
              .isCloseTo(expected.get(i).embedding()[d], within(1e-5));
        }
      }
      for (ConsumerRecord<String, byte[]> record : labels) {
        Schema writer =
            new Schema.Parser()
                .parse(
                    consumerSide
                        .schemaById(ByteBuffer.wrap(record.value(), 1, 4).getInt())
                        .schema());
        GenericRecord label =
            new GenericDatumReader<GenericRecord>(writer)
                .read(
                    null,
                    DecoderFactory.get()
                        .binaryDecoder(record.value(), 5, record.value().length - 5, null));
        int index = keys.indexOf(record.key());
        @SuppressWarnings("unchecked")
        List<GenericRecord> scores = (List<GenericRecord>) label.get("labels");
        assertThat(scores.get(0).get("label").toString())
            .isEqualTo(expected.get(index).labels().get(0).label());
      }
      assertThat(
              DeadLetters.read(
                  kafka.bootstrapServers(),
                  config.topics().deadLetters(),
                  1,
                  Duration.ofSeconds(30)))
          .extracting(letter -> letter.getReason().name())
          .containsExactly("UNDECODABLE");
      String subjects = HttpGet.body(registry.url() + "/subjects");
      assertThat(subjects)
          .contains(config.topics().embeddings() + "-value", config.topics().labels() + "-value");
    }
  }

  @Test
  void jsonSchemaInWireFormat() throws Exception {
    AppConfig config =
        config(
            "jsonschema",
            InputSpec.registry(InputSpec.Format.REGISTRY_JSON, "/body/text", null),
            AppConfig.OutputFormat.AVRO);
    String schema =
        """
        {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
         "properties": {"body": {"type": "object", "properties": {"text": {"type": "string"}}}}}""";
    int schemaId = client().register(config.topics().documents() + "-value", "JSON", schema);
    Map<String, String> texts = new LinkedHashMap<>();
    Map<String, byte[]> values = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      String key = "json-" + i;
      String text = StreamFixtures.sentences().get(300 + i);
      texts.put(key, text);
      var value = JSON.createObjectNode();
      value.putObject("body").put("text", text);
      values.put(key, wire(schemaId, JSON.writeValueAsBytes(value)));
    }
    values.put(
        "unknown-schema",
        wire(999_999, "{\"body\": {\"text\": \"x\"}}".getBytes(StandardCharsets.UTF_8)));
    try (StreamApp app =
        StreamApp.start(config, new SimpleMeterRegistry(), 2, Duration.ofMinutes(2))) {
      LoadGenerator.sendRaw(kafka.bootstrapServers(), config.topics().documents(), values);
      List<ConsumerRecord<String, byte[]>> embeddings =
          ReadCommitted.records(
              kafka.bootstrapServers(),
              config.topics().embeddings(),
              texts.size(),
              Duration.ofMinutes(2));
      assertThat(embeddings).hasSize(texts.size());
      List<EncodedDocument> expected = expected(texts);
      Map<String, String> topLabels = new HashMap<>();
      ReadCommitted.records(
              kafka.bootstrapServers(),
              config.topics().labels(),
              texts.size(),
              Duration.ofSeconds(30))
          .forEach(
              r ->
                  topLabels.put(
                      r.key(), AvroSerdes.LABELS.decode(r.value()).getLabels().get(0).getLabel()));
      assertThat(topLabels).hasSize(texts.size());
      List<String> keys = new ArrayList<>(texts.keySet());
      Map<String, Embedding> byKey = new HashMap<>();
      embeddings.forEach(r -> byKey.put(r.key(), AvroSerdes.EMBEDDING.decode(r.value())));
      for (int i = 0; i < keys.size(); i++) {
        assertThat(topLabels.get(keys.get(i))).isEqualTo(expected.get(i).labels().get(0).label());
        List<Float> vector = byKey.get(keys.get(i)).getVector();
        for (int d = 0; d < vector.size(); d++) {
          assertThat((double) vector.get(d))
              .isCloseTo(expected.get(i).embedding()[d], within(1e-5));
        }
      }
      assertThat(
              DeadLetters.read(
                  kafka.bootstrapServers(),
                  config.topics().deadLetters(),
                  1,
                  Duration.ofSeconds(30)))
          .extracting(letter -> letter.getReason().name() + ": " + letter.getDetail())
          .singleElement()
          .asString()
          .startsWith("UNDECODABLE: schema id 999999 is not in the registry");
    }
  }

  @Test
  void recordsWaitForTheRegistryAndNoneIsLostOrDeadLettered() throws Exception {
    AppConfig config =
        config(
            "outage",
            InputSpec.registry(InputSpec.Format.REGISTRY_AVRO, "/body/text", null),
            AppConfig.OutputFormat.AVRO);
    SchemaRegistryClient producerSide = client();
    int v1 =
        producerSide.register(config.topics().documents() + "-value", "AVRO", TICKET_V1.toString());
    int v2 =
        producerSide.register(config.topics().documents() + "-value", "AVRO", TICKET_V2.toString());
    assertThat(v2).isNotEqualTo(v1);
    List<String> sentences = StreamFixtures.sentences();
    Map<String, byte[]> before = new LinkedHashMap<>();
    Map<String, byte[]> during = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      before.put("before-" + i, avroTicket(TICKET_V1, v1, i, sentences.get(400 + i)));
      // The service has never seen schema v2: these need the registry.
      during.put("during-" + i, avroTicket(TICKET_V2, v2, 100 + i, sentences.get(420 + i)));
    }
    try (StreamApp app =
        StreamApp.start(config, new SimpleMeterRegistry(), 2, Duration.ofMinutes(2))) {
      LoadGenerator.sendRaw(kafka.bootstrapServers(), config.topics().documents(), before);
      assertThat(
              ReadCommitted.records(
                  kafka.bootstrapServers(),
                  config.topics().embeddings(),
                  20,
                  Duration.ofMinutes(2)))
          .hasSize(20);

      registry.pause();
      long pausedAt = System.nanoTime();
      try {
        LoadGenerator.sendRaw(kafka.bootstrapServers(), config.topics().documents(), during);
        // While the registry is down the new records wait: nothing new comes out, nothing is
        // dead-lettered.
        List<ConsumerRecord<String, byte[]>> meanwhile =
            ReadCommitted.records(
                kafka.bootstrapServers(), config.topics().embeddings(), 21, Duration.ofSeconds(15));
        assertThat(meanwhile).hasSize(20);
      } finally {
        registry.resume();
      }
      System.out.printf("REGISTRY outage of %.1f s%n", (System.nanoTime() - pausedAt) / 1e9);

      List<ConsumerRecord<String, byte[]>> all =
          ReadCommitted.records(
              kafka.bootstrapServers(), config.topics().embeddings(), 40, Duration.ofMinutes(3));
      assertThat(all).hasSize(40);
      assertThat(all.stream().map(ConsumerRecord::key).distinct().count()).isEqualTo(40);
      assertThat(
              DeadLetters.read(
                  kafka.bootstrapServers(),
                  config.topics().deadLetters(),
                  1,
                  Duration.ofSeconds(5)))
          .isEmpty();
    }
  }
}
