package io.modernbert.stream.faults;

import static io.modernbert.stream.faults.PoisonPills.GOOD;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.DeadLetter;
import io.modernbert.schemas.DeadLetterReason;
import io.modernbert.schemas.Document;
import io.modernbert.stream.ReadCommitted;
import io.modernbert.stream.StreamApp;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.broker.EmbeddedKafka;
import io.modernbert.stream.broker.EmbeddedKafkaOptions;
import io.modernbert.stream.config.AppConfig;
import io.modernbert.stream.config.StreamsProperties;
import io.modernbert.stream.errors.AvroLimits;
import io.modernbert.stream.errors.DeadLetterFactory;
import io.modernbert.stream.http.HttpLimits;
import io.modernbert.stream.http.HttpService;
import io.modernbert.stream.http.HttpSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One poison pill per kind on a real broker under exactly-once, each followed by {@link
 * PoisonPills#GOOD} good documents: the good ones come out exactly once, the pill is one dead
 * letter with a bounded prefix of its value (or, when not even that can be written, is logged and
 * skipped), and no stream thread is ever replaced. The broker takes records of up to 4 MiB, as a
 * user's broker may: the application's own producer keeps the default 1 MiB {@code
 * max.request.size}.
 */
class PoisonPillIntegrationTest {
  @TempDir static Path work;

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    AvroLimits.apply(AppConfig.DEFAULT_MAX_DOCUMENT_BYTES);
    kafka =
        EmbeddedKafka.start(
            work.resolve("kafka"),
            EmbeddedKafkaOptions.defaults()
                .withBrokerProperty(
                    "message.max.bytes", Integer.toString(PoisonPills.BROKER_MAX_BYTES)));
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void shouldDeadLetterADocumentWithOversizedAttributes() throws Exception {
    AppConfig config = PoisonPills.config(kafka.bootstrapServers(), work, "pill-attributes");
    Map<String, String> attributes = new HashMap<>();
    for (int i = 0; i < 16; i++) {
      attributes.put("a" + i, "x".repeat(64 * 1024)); // 1 MiB in all
    }
    byte[] pill =
        AvroSerdes.DOCUMENT.encode(
            Document.newBuilder()
                .setId("pill")
                .setText("Ein ganz normaler Satz.")
                .setAttributes(attributes)
                .build());
    try (StreamApp app = start(config, new SimpleMeterRegistry())) {
      PoisonPills.send(kafka.bootstrapServers(), config.topics().documents(), Map.of("pill", pill));
      PoisonPills.assertGoodDocumentsProcessed(
          kafka.bootstrapServers(), config, PoisonPills.goodDocuments("a"), "attributes 1 MiB");

      DeadLetter letter = single(PoisonPills.deadLetters(kafka.bootstrapServers(), config, 1));
      assertThat(letter.getReason()).isEqualTo(DeadLetterReason.TOO_LARGE);
      assertThat(letter.getDetail()).contains("attributes").contains("the limit is");
      assertBoundedPrefix(letter, pill);
      PoisonPills.assertNoThreadReplaced(app.streams(), 1);
    }
  }

  @Test
  void shouldAnswer413ForOversizedAttributesOverHttp() throws Exception {
    AppConfig config = PoisonPills.config(kafka.bootstrapServers(), work, "pill-http");
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (StreamApp app = start(config, meters);
        HttpService http =
            HttpService.start(
                app,
                config,
                meters,
                HttpSettings.loopback(0),
                HttpLimits.defaults(),
                Duration.ofSeconds(30))) {
      String attributes =
          java.util.stream.IntStream.range(0, 16)
              .mapToObj(i -> "\"a" + i + "\":\"" + "x".repeat(64 * 1024) + "\"")
              .collect(Collectors.joining(","));
      HttpResponse<String> rejected =
          post(
              http.port(),
              "{\"id\":\"pill\",\"text\":\"Ein Satz.\",\"attributes\":{" + attributes + "}}");
      assertThat(rejected.statusCode()).isEqualTo(413);
      assertThat(rejected.body()).contains("attributes").contains("the limit is");
      HttpResponse<String> many =
          post(
              http.port(),
              "{\"id\":\"pill2\",\"text\":\"Ein Satz.\",\"attributes\":{"
                  + java.util.stream.IntStream.range(0, 65)
                      .mapToObj(i -> "\"k" + i + "\":\"v\"")
                      .collect(Collectors.joining(","))
                  + "}}");
      assertThat(many.statusCode()).isEqualTo(413);
      assertThat(many.body()).contains("65 attributes");

      List<String> sentences = StreamFixtures.sentences();
      StringBuilder ndjson = new StringBuilder();
      Map<String, String> good = new HashMap<>();
      for (int i = 0; i < GOOD; i++) {
        good.put("h-good-" + i, sentences.get(i));
        ndjson
            .append("{\"id\":\"h-good-")
            .append(i)
            .append("\",\"text\":")
            .append(
                new com.fasterxml.jackson.databind.ObjectMapper()
                    .writeValueAsString(sentences.get(i)))
            .append(",\"attributes\":{\"source\":\"http\"}}\n");
      }
      long start = System.nanoTime();
      assertThat(post(http.port(), ndjson.toString()).statusCode()).isEqualTo(202);
      PoisonPills.awaitOutputs(
          kafka.bootstrapServers(), config, good.keySet(), "HTTP attributes 1 MiB (413)", start);
      assertThat(PoisonPills.deadLetters(kafka.bootstrapServers(), config, 0)).isEmpty();
      PoisonPills.assertNoThreadReplaced(app.streams(), 1);
    }
  }

  @Test
  void shouldDeadLetterAnOutputTooLargeToSend() throws Exception {
    // Attributes within their limits, but outputs over a (lowered) max.request.size: the store's
    // entry (attributes and token ids) still fits, the embedding with its vector and headers not.
    AppConfig config =
        PoisonPills.config(kafka.bootstrapServers(), work, "pill-output")
            .withStreamsOverrides(Map.of("producer.max.request.size", "16800"));
    byte[] pill =
        AvroSerdes.DOCUMENT.encode(
            Document.newBuilder()
                .setId("pill")
                .setText("Ein ganz normaler Satz.")
                .setAttributes(Map.of("blob", "y".repeat(16_000)))
                .build());
    try (StreamApp app = start(config, new SimpleMeterRegistry())) {
      PoisonPills.send(kafka.bootstrapServers(), config.topics().documents(), Map.of("pill", pill));
      PoisonPills.assertGoodDocumentsProcessed(
          kafka.bootstrapServers(), config, PoisonPills.goodDocuments("o"), "output over 16800 B");

      DeadLetter letter = single(PoisonPills.deadLetters(kafka.bootstrapServers(), config, 1));
      assertThat(letter.getReason()).isEqualTo(DeadLetterReason.TOO_LARGE);
      assertThat(letter.getDetail()).contains("embeddings output of document pill");
      assertThat(letter.getSourceOffset()).isZero();
      // The output's first 16 KiB would not fit under this max.request.size: the letter is sent
      // without them, with the size they had.
      assertThat(letter.getValue()).isNull();
      assertThat(letter.getValueSize()).isGreaterThan(16_000L);
      PoisonPills.assertNoThreadReplaced(app.streams(), 1);
    }
  }

  @Test
  void shouldKeepOnlyAPrefixOfAnOversizedValueInItsDeadLetter() throws Exception {
    AppConfig config = PoisonPills.config(kafka.bootstrapServers(), work, "pill-dead-letter");
    byte[] pill = new byte[3 << 19]; // 1.5 MiB, not a document: whole, its dead letter is too large
    new Random(7).nextBytes(pill);
    try (StreamApp app = start(config, new SimpleMeterRegistry())) {
      PoisonPills.send(kafka.bootstrapServers(), config.topics().documents(), Map.of("pill", pill));
      PoisonPills.assertGoodDocumentsProcessed(
          kafka.bootstrapServers(), config, PoisonPills.goodDocuments("d"), "undecodable 1.5 MiB");

      DeadLetter letter = single(PoisonPills.deadLetters(kafka.bootstrapServers(), config, 1));
      assertThat(letter.getReason()).isEqualTo(DeadLetterReason.UNDECODABLE);
      assertBoundedPrefix(letter, pill);
      PoisonPills.assertNoThreadReplaced(app.streams(), 1);
    }
  }

  @Test
  void shouldLogAndSkipARecordWhoseDeadLetterCannotBeWritten() throws Exception {
    AppConfig config = PoisonPills.config(kafka.bootstrapServers(), work, "pill-unwritable");
    // A dead-letter topic owned by someone else, with a record limit too small for even a bare
    // envelope: the application reads it and skips the letter rather than have the broker refuse
    // it (which, under exactly-once, would abort the transaction, again and again).
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(config.topics().deadLetters(), 1, (short) 1)
                      .configs(Map.of("max.message.bytes", "1024"))))
          .all()
          .get();
    }
    byte[] pill = new byte[8 * 1024];
    new Random(8).nextBytes(pill);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (StreamApp app = start(config, meters)) {
      PoisonPills.send(kafka.bootstrapServers(), config.topics().documents(), Map.of("pill", pill));
      PoisonPills.assertGoodDocumentsProcessed(
          kafka.bootstrapServers(), config, PoisonPills.goodDocuments("u"), "unwritable letter");

      assertThat(PoisonPills.deadLetters(kafka.bootstrapServers(), config, 0)).isEmpty();
      assertThat(meters.counter("modernbert.dead.letters.unwritable").count()).isEqualTo(1.0);
      PoisonPills.assertNoThreadReplaced(app.streams(), 1);
    }
  }

  /**
   * KIP-1033's handler as the application configures it ({@link StreamsProperties}), around a
   * processor that throws for one record: the real DocumentProcessor has no input that makes it
   * throw, so this topology stands in for a bug.
   */
  @Test
  void shouldDeadLetterARecordWhoseProcessingThrows() throws Exception {
    AppConfig config = PoisonPills.config(kafka.bootstrapServers(), work, "pill-processing");
    StreamApp.createTopics(config, 1);
    Topology topology = new Topology();
    topology.addSource(
        "source",
        Serdes.String().deserializer(),
        AvroSerdes.DOCUMENT.deserializer(),
        config.topics().documents());
    topology.addProcessor(
        "explode",
        () ->
            new ContextualProcessor<String, Document, String, String>() {
              @Override
              public void process(Record<String, Document> record) {
                if (record.value().getId().equals("pill")) {
                  throw new IllegalStateException("a bug met its input");
                }
                context().forward(record.withValue(record.value().getText()));
              }
            },
        "source");
    topology.addSink(
        "sink",
        config.topics().embeddings(),
        Serdes.String().serializer(),
        Serdes.String().serializer(),
        "explode");
    byte[] pill =
        AvroSerdes.DOCUMENT.encode(
            Document.newBuilder().setId("pill").setText("Ein ganz normaler Satz.").build());
    AtomicInteger uncaught = new AtomicInteger();
    try (KafkaStreams streams =
        new KafkaStreams(topology, StreamsProperties.of(config, new SimpleMeterRegistry()))) {
      streams.setUncaughtExceptionHandler(
          failure -> {
            uncaught.incrementAndGet();
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
          });
      streams.start();
      PoisonPills.send(kafka.bootstrapServers(), config.topics().documents(), Map.of("pill", pill));
      Map<String, byte[]> good = PoisonPills.goodDocuments("p");
      long start = System.nanoTime();
      PoisonPills.send(kafka.bootstrapServers(), config.topics().documents(), good);
      Map<String, Integer> outputs = new HashMap<>();
      ReadCommitted.records(
              kafka.bootstrapServers(), config.topics().embeddings(), GOOD, Duration.ofSeconds(120))
          .forEach(record -> outputs.merge(record.key(), 1, Integer::sum));
      System.out.printf(
          java.util.Locale.ROOT,
          "POISON exception in process(): %d of %d good records processed after the pill in %.1f s"
              + " (including a 2 s wait for duplicates)%n",
          outputs.size(),
          GOOD,
          (System.nanoTime() - start) / 1e9);

      assertThat(outputs.keySet()).isEqualTo(good.keySet());
      assertThat(outputs.values()).containsOnly(1);
      DeadLetter letter = single(PoisonPills.deadLetters(kafka.bootstrapServers(), config, 1));
      assertThat(letter.getReason()).isEqualTo(DeadLetterReason.PROCESSING_FAILED);
      assertThat(letter.getDetail()).contains("explode").contains("a bug met its input");
      assertThat(letter.getSourceOffset()).isZero();
      byte[] kept = new byte[letter.getValue().remaining()];
      letter.getValue().duplicate().get(kept);
      assertThat(kept).isEqualTo(pill); // small: kept whole
      assertThat(uncaught).hasValue(0);
      PoisonPills.assertNoThreadReplaced(streams, 1);
    }
  }

  private static StreamApp start(
      AppConfig config, io.micrometer.core.instrument.MeterRegistry meters)
      throws InterruptedException {
    return StreamApp.start(config, meters, 1, Duration.ofMinutes(2));
  }

  private static HttpResponse<String> post(int port, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/documents"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static DeadLetter single(List<DeadLetter> letters) {
    assertThat(letters).hasSize(1);
    return letters.get(0);
  }

  /** The letter keeps the value's first bytes only, and says how large it was. */
  static void assertBoundedPrefix(DeadLetter letter, byte[] value) {
    byte[] kept = new byte[letter.getValue().remaining()];
    letter.getValue().duplicate().get(kept);
    assertThat(kept).hasSize(DeadLetterFactory.VALUE_PREFIX_BYTES);
    assertThat(kept).isEqualTo(java.util.Arrays.copyOf(value, kept.length));
    assertThat(letter.getValueSize()).isEqualTo((long) value.length);
  }
}
