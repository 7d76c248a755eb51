package io.modernbert.stream.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modernbert.model.engine.DocumentInput;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.DeadLetter;
import io.modernbert.schemas.Embedding;
import io.modernbert.stream.ReadCommitted;
import io.modernbert.stream.StreamApp;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.broker.EmbeddedKafka;
import io.modernbert.stream.config.AppConfig;
import io.modernbert.stream.config.InputSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topics users already have, on the real broker: JSON with the text in a nested field, and plain
 * strings. Embeddings equal the engine's own within 1e-5, labels are right, outputs keep the input
 * key, and records that do not fit are dead letters with their reason.
 */
class InputFormatsIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  private static EmbeddedKafka kafka;
  private static InferenceEngine engine;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(dataDir.resolve("kafka"));
    engine = InferenceEngine.load(StreamFixtures.LANGID_MODEL, StreamFixtures.engineOptions());
  }

  @AfterAll
  static void stop() {
    engine.close();
    kafka.close();
  }

  private static AppConfig config(String name, InputSpec input) {
    return AppConfig.defaults(kafka.bootstrapServers(), StreamFixtures.LANGID_MODEL)
        .withApplicationId("formats-" + name)
        .withTopics(
            new AppConfig.TopicNames(
                name + "-in", name + "-embeddings", name + "-labels", name + "-dead"))
        .withEngine(StreamFixtures.engineOptions())
        .withStateDir(dataDir.resolve("state-" + name))
        .withInput(input);
  }

  private static void send(String topic, List<ProducerRecord<String, byte[]>> records)
      throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        LoadGenerator.producer(kafka.bootstrapServers())) {
      for (ProducerRecord<String, byte[]> record : records) {
        producer
            .send(new ProducerRecord<>(topic, null, record.key(), record.value(), record.headers()))
            .get(60, TimeUnit.SECONDS);
      }
    }
  }

  private static ProducerRecord<String, byte[]> record(String key, String value) {
    return new ProducerRecord<>("unused", key, value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Runs the app on {@code records}; checks outputs against {@code texts} by key, and the dead
   * letters' reasons.
   */
  private static void runAndCheck(
      AppConfig config,
      List<ProducerRecord<String, byte[]>> records,
      Map<String, String> texts,
      Map<String, String> expectedIds,
      List<String> deadLetterReasons)
      throws Exception {
    try (StreamApp app =
        StreamApp.start(config, new SimpleMeterRegistry(), 2, Duration.ofMinutes(2))) {
      send(config.topics().documents(), records);
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
      List<DeadLetter> dead =
          DeadLetters.read(
              kafka.bootstrapServers(),
              config.topics().deadLetters(),
              deadLetterReasons.size(),
              Duration.ofSeconds(30));

      List<String> keys = new ArrayList<>(texts.keySet());
      List<DocumentInput> inputs = new ArrayList<>();
      keys.forEach(key -> inputs.add(DocumentInput.text(key, texts.get(key))));
      List<EncodedDocument> expected = engine.encode(inputs, false);
      Map<String, Embedding> byKey = new HashMap<>();
      embeddings.forEach(r -> byKey.put(r.key(), AvroSerdes.EMBEDDING.decode(r.value())));
      assertThat(embeddings).hasSize(texts.size());
      assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(keys);
      for (int i = 0; i < keys.size(); i++) {
        Embedding embedding = byKey.get(keys.get(i));
        assertThat(embedding.getId()).isEqualTo(expectedIds.get(keys.get(i)));
        float[] want = expected.get(i).embedding();
        assertThat(embedding.getVector()).hasSize(want.length);
        for (int d = 0; d < want.length; d++) {
          assertThat((double) embedding.getVector().get(d)).isCloseTo(want[d], within(1e-5));
        }
      }
      Map<String, String> top = new HashMap<>();
      labels.forEach(
          r -> top.put(r.key(), AvroSerdes.LABELS.decode(r.value()).getLabels().get(0).getLabel()));
      assertThat(labels).hasSize(texts.size());
      for (int i = 0; i < keys.size(); i++) {
        assertThat(top.get(keys.get(i))).isEqualTo(expected.get(i).labels().get(0).label());
      }
      assertThat(dead)
          .extracting(letter -> letter.getReason().name())
          .containsExactlyInAnyOrderElementsOf(deadLetterReasons);
    }
  }

  @Test
  void jsonWithANestedTextFieldKeyedByTheRecordKey() throws Exception {
    Map<String, String> texts = new LinkedHashMap<>();
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    int i = 0;
    for (String sentence : StreamFixtures.sentences().subList(0, 40)) {
      String key = "json-" + i++;
      texts.put(key, sentence);
      ObjectNode value = JSON.createObjectNode().put("source", "crm").put("n", i);
      value.putObject("body").put("text", sentence).put("lang", "unknown");
      records.add(record(key, JSON.writeValueAsString(value)));
    }
    records.add(record("no-text", "{\"body\": {\"title\": \"no text here\"}}"));
    records.add(record("not-json", "this is not json"));
    records.add(record(null, "{\"body\": {\"text\": \"a record with neither key nor id\"}}"));
    Map<String, String> ids = new HashMap<>();
    texts.keySet().forEach(key -> ids.put(key, key));
    runAndCheck(
        config("json", InputSpec.json("/body/text", null)),
        records,
        texts,
        ids,
        List.of("MISSING_TEXT", "UNDECODABLE", "MISSING_ID"));
  }

  @Test
  void jsonWithAnIdFieldKeepsTheInputKeyOnTheOutputs() throws Exception {
    Map<String, String> texts = new LinkedHashMap<>();
    Map<String, String> ids = new HashMap<>();
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    int i = 0;
    for (String sentence : StreamFixtures.sentences().subList(40, 60)) {
      String key = "customer-" + (i % 7) + "-" + i;
      texts.put(key, sentence);
      ids.put(key, Integer.toString(1000 + i));
      ObjectNode value = JSON.createObjectNode();
      value.putObject("meta").put("id", 1000 + i);
      value.put("text", sentence);
      records.add(record(key, JSON.writeValueAsString(value)));
      i++;
    }
    runAndCheck(
        config("jsonid", InputSpec.json("/text", "/meta/id")), records, texts, ids, List.of());
  }

  @Test
  void plainStringsKeyedById() throws Exception {
    Map<String, String> texts = new LinkedHashMap<>();
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    int i = 0;
    for (String sentence : StreamFixtures.sentences().subList(60, 100)) {
      String key = "string-" + i++;
      texts.put(key, sentence);
      records.add(record(key, sentence));
    }
    records.add(new ProducerRecord<>("unused", "bad-utf8", new byte[] {(byte) 0xC3, (byte) 0x28}));
    records.add(record("blank", "   "));
    Map<String, String> ids = new HashMap<>();
    texts.keySet().forEach(key -> ids.put(key, key));
    runAndCheck(
        config("string", InputSpec.string()),
        records,
        texts,
        ids,
        List.of("INVALID_UTF8", "EMPTY_TEXT"));
  }

  @Test
  void jsonOutputsCarryTheSameValuesAsAvro() throws Exception {
    AppConfig config =
        config("jsonout", InputSpec.string().withCopiedHeaders(List.of("trace-id")))
            .withOutputFormat(AppConfig.OutputFormat.JSON);
    String text = StreamFixtures.sentences().get(100);
    EncodedDocument expected = engine.encode(List.of(DocumentInput.text("k", text)), false).get(0);
    try (StreamApp app =
        StreamApp.start(config, new SimpleMeterRegistry(), 1, Duration.ofMinutes(2))) {
      ProducerRecord<String, byte[]> input = record("json-out-1", text);
      input
          .headers()
          .add("trace-id", new byte[] {1, 2, 3})
          .add("tenant", "acme".getBytes(StandardCharsets.UTF_8));
      send(config.topics().documents(), List.of(input));
      List<ConsumerRecord<String, byte[]>> embeddings =
          ReadCommitted.records(
              kafka.bootstrapServers(), config.topics().embeddings(), 1, Duration.ofMinutes(2));
      List<ConsumerRecord<String, byte[]>> labels =
          ReadCommitted.records(
              kafka.bootstrapServers(), config.topics().labels(), 1, Duration.ofSeconds(30));
      assertThat(embeddings).hasSize(1);
      var embedding = JSON.readTree(embeddings.get(0).value());
      assertThat(embeddings.get(0).key()).isEqualTo("json-out-1");
      assertThat(embeddings.get(0).headers().lastHeader("trace-id").value())
          .containsExactly(1, 2, 3);
      assertThat(embeddings.get(0).headers().lastHeader("tenant"))
          .as("only the named headers are copied")
          .isNull();
      assertThat(labels.get(0).headers().lastHeader("trace-id").value()).containsExactly(1, 2, 3);
      assertThat(embeddings.get(0).headers().lastHeader("modernbert.model")).isNotNull();
      assertThat(embedding.path("id").asText()).isEqualTo("json-out-1");
      assertThat(embedding.path("model").asText()).isEqualTo("langid-modernbert");
      assertThat(embedding.path("windows").asInt()).isEqualTo(1);
      assertThat(embedding.path("processedAt").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
      assertThat(embedding.path("vector").size()).isEqualTo(expected.embedding().length);
      for (int d = 0; d < expected.embedding().length; d++) {
        assertThat(embedding.path("vector").get(d).asDouble())
            .isCloseTo(expected.embedding()[d], within(1e-5));
      }
      var label = JSON.readTree(labels.get(0).value());
      assertThat(label.at("/labels/0/label").asText()).isEqualTo(expected.labels().get(0).label());
      assertThat(label.at("/labels/0/score").asDouble())
          .isCloseTo(expected.labels().get(0).score(), within(1e-5));
    }
  }
}
