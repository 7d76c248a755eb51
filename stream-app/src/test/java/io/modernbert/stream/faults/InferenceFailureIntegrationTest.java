package io.modernbert.stream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modernbert.model.tokenizer.ModernBertTokenizer;
import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.DeadLetter;
import io.modernbert.schemas.DeadLetterReason;
import io.modernbert.schemas.Document;
import io.modernbert.stream.ReadCommitted;
import io.modernbert.stream.StreamApp;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.broker.EmbeddedKafka;
import io.modernbert.stream.config.AppConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One document of a burst makes inference fail (injected around the real model), on a real broker
 * under exactly-once: it lands on the dead-letter topic as PROCESSING_FAILED with its source
 * offset, the other documents of its pass and of the burst get exactly one embedding and one labels
 * record each, and the service keeps running.
 */
class InferenceFailureIntegrationTest {
  private static final String POISON_TEXT = "Dieser Satz bringt das Modell zum Scheitern.";
  private static final int DOCUMENTS = 200;

  @TempDir Path work;

  @Test
  void shouldDeadLetterTheFailingDocumentAndEmitEveryOther() throws Exception {
    int[] poison;
    try (ModernBertTokenizer tokenizer =
        ModernBertTokenizer.load(StreamFixtures.LANGID_MODEL, 8192)) {
      poison = tokenizer.encode(POISON_TEXT).ids();
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"))) {
      AppConfig config =
          AppConfig.defaults(kafka.bootstrapServers(), StreamFixtures.LANGID_MODEL)
              .withApplicationId("poison")
              .withEngine(StreamFixtures.engineOptions())
              .withStateDir(work.resolve("state"));
      try (StreamApp app =
          StreamApp.start(
              config,
              new SimpleMeterRegistry(),
              2,
              Optional.empty(),
              Duration.ofMinutes(2),
              real ->
                  (documents, plan, hiddenStates, onPacked) -> {
                    if (documents.stream().anyMatch(d -> Arrays.equals(d.inputIds(), poison))) {
                      throw new IllegalStateException("injected failure");
                    }
                    return real.run(documents, plan, hiddenStates, onPacked);
                  })) {
        List<String> sentences = StreamFixtures.sentences();
        java.util.Properties props = new java.util.Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
          for (int i = 0; i < DOCUMENTS; i++) {
            String id = i == 117 ? "poison" : String.format("doc-%03d", i);
            String text = i == 117 ? POISON_TEXT : sentences.get(i);
            producer.send(
                new ProducerRecord<>(
                    "documents",
                    id,
                    AvroSerdes.DOCUMENT.encode(
                        Document.newBuilder().setId(id).setText(text).build())));
          }
          producer.flush();
        }

        Map<String, Integer> embeddings =
            count(kafka.bootstrapServers(), "embeddings", DOCUMENTS - 1);
        Map<String, Integer> labels = count(kafka.bootstrapServers(), "labels", DOCUMENTS - 1);
        List<DeadLetter> letters = deadLetters(kafka.bootstrapServers());

        assertThat(embeddings).hasSize(DOCUMENTS - 1).doesNotContainKey("poison");
        assertThat(embeddings.values()).containsOnly(1);
        assertThat(labels).hasSize(DOCUMENTS - 1);
        assertThat(labels.values()).containsOnly(1);
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).getReason()).isEqualTo(DeadLetterReason.PROCESSING_FAILED);
        assertThat(letters.get(0).getDetail()).contains("injected failure");
        assertThat(letters.get(0).getSourceOffset()).isBetween(0L, (long) DOCUMENTS);
        assertThat(app.streams().state().isRunningOrRebalancing()).isTrue();
        assertThat(app.scheduler().running()).isTrue();
      }
    }
  }

  /**
   * Records per key on {@code topic}, once at least {@code expected} are in (late duplicates
   * included).
   */
  private static Map<String, Integer> count(String bootstrapServers, String topic, int expected) {
    Map<String, Integer> counts = new HashMap<>();
    ReadCommitted.records(bootstrapServers, topic, expected, Duration.ofMinutes(2))
        .forEach(record -> counts.merge(record.key(), 1, Integer::sum));
    return counts;
  }

  private static List<DeadLetter> deadLetters(String bootstrapServers) {
    return ReadCommitted.records(
            bootstrapServers, "documents-dead-letters", 1, Duration.ofSeconds(30))
        .stream()
        .map(record -> AvroSerdes.DEAD_LETTER.decode(record.value()))
        .toList();
  }
}
