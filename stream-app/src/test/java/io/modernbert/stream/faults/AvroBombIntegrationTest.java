package io.modernbert.stream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.DeadLetter;
import io.modernbert.schemas.DeadLetterReason;
import io.modernbert.schemas.Document;
import io.modernbert.stream.StreamApp;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.broker.EmbeddedKafka;
import io.modernbert.stream.config.AppConfig;
import io.modernbert.stream.config.InputSpec;
import io.modernbert.stream.errors.AvroLimits;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Avro length bombs (a string, a bytes value and a map that claim 2^30 bytes or entries in a record
 * of a few bytes), in our single-object Avro and in registry Avro, each followed by good documents;
 * and a schema registry that answers 429 before it serves the schema. Without Avro's limits the
 * bombs allocate what they claim (a map of 2^30 entries is an OutOfMemoryError, which no handler
 * sees); with them each is one UNDECODABLE dead letter naming the limit.
 */
class AvroBombIntegrationTest {
  private static final long CLAIM = 1L << 30;
  private static final String REGISTRY_SCHEMA =
      "{\"type\":\"record\",\"name\":\"Doc\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"text\",\"type\":\"string\"},"
          + "{\"name\":\"blob\",\"type\":\"bytes\"},"
          + "{\"name\":\"tags\",\"type\":{\"type\":\"map\",\"values\":\"string\"}}]}";

  @TempDir static Path work;

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    assertThat(AvroLimits.apply(AppConfig.DEFAULT_MAX_DOCUMENT_BYTES))
        .as("Avro's limits are set before this JVM's first decode")
        .isTrue();
    kafka = EmbeddedKafka.start(work.resolve("kafka"));
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void shouldDeadLetterLengthBombsInSingleObjectAvro() throws Exception {
    AppConfig config = PoisonPills.config(kafka.bootstrapServers(), work, "bomb-document");
    byte[] header =
        Arrays.copyOf(
            AvroSerdes.DOCUMENT.encode(Document.newBuilder().setId("x").setText("x").build()), 10);
    Map<String, byte[]> bombs = new LinkedHashMap<>();
    // Document has no bytes field: its id, a string read into bytes (we check UTF-8 strictly),
    // goes through Avro's string limit like the attribute value does.
    bombs.put("id", avro(header, out -> length(out, CLAIM)));
    bombs.put(
        "string",
        avro(
            header,
            out -> {
              string(out, "bomb");
              string(out, "Ein Satz.");
              length(out, 1);
              string(out, "k");
              length(out, CLAIM);
            }));
    bombs.put(
        "map",
        avro(
            header,
            out -> {
              string(out, "bomb");
              string(out, "Ein Satz.");
              length(out, CLAIM);
            }));
    runBombs(config, bombs, PoisonPills::goodDocuments);
  }

  @Test
  void shouldDeadLetterLengthBombsInRegistryAvro() throws Exception {
    try (StubRegistry registry = new StubRegistry(Map.of(1, REGISTRY_SCHEMA), 0)) {
      AppConfig config = registryConfig("bomb-registry", registry);
      byte[] header = {0, 0, 0, 0, 1};
      Map<String, byte[]> bombs = new LinkedHashMap<>();
      bombs.put(
          "string",
          avro(
              header,
              out -> {
                string(out, "bomb");
                length(out, CLAIM);
              }));
      bombs.put(
          "bytes",
          avro(
              header,
              out -> {
                string(out, "bomb");
                string(out, "Ein Satz.");
                length(out, CLAIM);
              }));
      bombs.put(
          "map",
          avro(
              header,
              out -> {
                string(out, "bomb");
                string(out, "Ein Satz.");
                length(out, 0);
                length(out, CLAIM);
              }));
      runBombs(config, bombs, AvroBombIntegrationTest::registryDocuments);
    }
  }

  @Test
  void shouldWaitOutRegistryRateLimitsWithoutDeadLetters() throws Exception {
    try (StubRegistry registry = new StubRegistry(Map.of(1, REGISTRY_SCHEMA), 3)) {
      AppConfig config = registryConfig("registry-429", registry);
      try (StreamApp app =
          StreamApp.start(config, new SimpleMeterRegistry(), 1, Duration.ofMinutes(2))) {
        PoisonPills.assertGoodDocumentsProcessed(
            kafka.bootstrapServers(), config, registryDocuments("r"), "registry 429 x3");

        assertThat(registry.refused).hasValue(3);
        assertThat(registry.served.get()).isPositive();
        assertThat(PoisonPills.deadLetters(kafka.bootstrapServers(), config, 0)).isEmpty();
        PoisonPills.assertNoThreadReplaced(app.streams(), 1);
      }
    }
  }

  /** Each bomb, then good documents that must come out; one dead letter per bomb, in order. */
  private void runBombs(
      AppConfig config,
      Map<String, byte[]> bombs,
      java.util.function.Function<String, Map<String, byte[]>> good)
      throws Exception {
    try (StreamApp app =
        StreamApp.start(config, new SimpleMeterRegistry(), 1, Duration.ofMinutes(2))) {
      for (Map.Entry<String, byte[]> bomb : bombs.entrySet()) {
        PoisonPills.send(
            kafka.bootstrapServers(),
            config.topics().documents(),
            Map.of("bomb-" + bomb.getKey(), bomb.getValue()));
        PoisonPills.assertGoodDocumentsProcessed(
            kafka.bootstrapServers(),
            config,
            good.apply("after-" + bomb.getKey()),
            config.applicationId() + " " + bomb.getKey() + " length bomb");
      }
      List<DeadLetter> letters =
          PoisonPills.deadLetters(kafka.bootstrapServers(), config, bombs.size());
      assertThat(letters).hasSize(bombs.size());
      for (DeadLetter letter : letters) {
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(letter.getDetail())
            .containsPattern("length 1073741824 exceeds (the )?maximum allowed");
      }
      assertThat(letters.stream().map(DeadLetter::getSourceOffset).toList())
          .containsExactly(0L, 21L, 42L);
      PoisonPills.assertNoThreadReplaced(app.streams(), 1);
    }
  }

  private static AppConfig registryConfig(String name, StubRegistry registry) {
    return PoisonPills.config(kafka.bootstrapServers(), work, name)
        .withInput(InputSpec.registry(InputSpec.Format.REGISTRY_AVRO, "/text", "/id"))
        .withSchemaRegistry(new AppConfig.SchemaRegistry(registry.url(), null));
  }

  /** Good documents in registry Avro (schema id 1). */
  private static Map<String, byte[]> registryDocuments(String prefix) {
    List<String> sentences = StreamFixtures.sentences();
    Map<String, byte[]> documents = new LinkedHashMap<>();
    for (int i = 0; i < PoisonPills.GOOD; i++) {
      String id = prefix + "-good-" + i;
      String text = sentences.get(i);
      documents.put(
          id,
          avro(
              new byte[] {0, 0, 0, 0, 1},
              out -> {
                string(out, id);
                string(out, text);
                length(out, 0);
                length(out, 1);
                string(out, "source");
                string(out, "test");
                length(out, 0);
              }));
    }
    return documents;
  }

  private static byte[] avro(byte[] header, Consumer<ByteArrayOutputStream> body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header);
    body.accept(out);
    out.writeBytes("abc".getBytes(StandardCharsets.UTF_8)); // far fewer bytes than claimed
    return out.toByteArray();
  }

  /** An Avro long (zig-zag varint): lengths, counts. */
  private static void length(ByteArrayOutputStream out, long value) {
    long zigzag = (value << 1) ^ (value >> 63);
    while ((zigzag & ~0x7FL) != 0) {
      out.write((int) ((zigzag & 0x7F) | 0x80));
      zigzag >>>= 7;
    }
    out.write((int) zigzag);
  }

  private static void string(ByteArrayOutputStream out, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    length(out, bytes.length);
    out.writeBytes(bytes);
  }
}
