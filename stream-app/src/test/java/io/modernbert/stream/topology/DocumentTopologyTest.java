package io.modernbert.stream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modernbert.model.engine.DocumentInput;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.DeadLetter;
import io.modernbert.schemas.DeadLetterReason;
import io.modernbert.schemas.Document;
import io.modernbert.schemas.Embedding;
import io.modernbert.schemas.Labels;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.config.AppConfig;
import io.modernbert.stream.config.StreamsProperties;
import io.modernbert.stream.errors.DeadLetterFactory;
import io.modernbert.stream.errors.InputLimits;
import io.modernbert.stream.scheduler.BatchScheduler;
import io.modernbert.stream.scheduler.PassRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology on TopologyTestDriver with the real default model and a real batch scheduler:
 * passes, timing, outputs, dead letters. The scheduler runs on its own thread, so tests advance the
 * driver's wall clock (which runs the forwarding punctuation) until the outputs are there.
 */
class DocumentTopologyTest {
  private static final int MAX_TEXT_BYTES = 4000;
  private static InferenceEngine engine;

  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> documents;
  private TestOutputTopic<String, Embedding> embeddings;
  private TestOutputTopic<String, Labels> labels;
  private TestOutputTopic<String, DeadLetter> deadLetters;
  private AppConfig config;
  private BatchScheduler scheduler;

  @BeforeAll
  static void loadModel() {
    engine = InferenceEngine.load(StreamFixtures.LANGID_MODEL, StreamFixtures.engineOptions());
  }

  @AfterAll
  static void closeModel() {
    engine.close();
  }

  @BeforeEach
  void startDriver() {
    startDriver(StreamsConfig.EXACTLY_ONCE_V2);
  }

  /**
   * TopologyTestDriver under exactly_once_v2 does not commit the transaction that holds a dead
   * letter when the record was skipped, so the dead-letter tests run at_least_once here; the broker
   * integration test checks dead letters under exactly-once.
   */
  private void startDriver(String guarantee) {
    startDriver(guarantee, AppConfig.DEFAULT_MAX_WAIT);
  }

  private void startDriver(String guarantee, Duration maxWait) {
    startDriver(
        guarantee,
        maxWait,
        (documents, plan, hiddenStates, onPacked) ->
            engine.encode(documents, plan, hiddenStates, onPacked));
  }

  private void startDriver(String guarantee, Duration maxWait, PassRunner runner) {
    if (driver != null) {
      closeDriver();
    }
    config =
        AppConfig.defaults("unused:9092", StreamFixtures.LANGID_MODEL)
            .withEngine(StreamFixtures.engineOptions())
            .withMaxDocumentBytes(MAX_TEXT_BYTES)
            .withMaxWait(maxWait)
            .withStateDir(stateDir.resolve(guarantee))
            .withProcessingGuarantee(guarantee);
    StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry());
    scheduler = new BatchScheduler(engine, config.scheduler(), metrics, false, runner);
    var topology = TopologyFactory.build(config, scheduler, metrics);
    driver =
        new TopologyTestDriver(topology, StreamsProperties.of(config, new SimpleMeterRegistry()));
    documents =
        driver.createInputTopic("documents", new StringSerializer(), new ByteArraySerializer());
    embeddings =
        driver.createOutputTopic(
            "embeddings", new StringDeserializer(), AvroSerdes.EMBEDDING.deserializer());
    labels =
        driver.createOutputTopic(
            "labels", new StringDeserializer(), AvroSerdes.LABELS.deserializer());
    deadLetters =
        driver.createOutputTopic(
            "documents-dead-letters",
            new StringDeserializer(),
            AvroSerdes.DEAD_LETTER.deserializer());
  }

  @AfterEach
  void closeDriver() {
    driver.close();
    driver = null;
    scheduler.close();
  }

  private void send(String id, String text) {
    documents.pipeInput(
        id, AvroSerdes.DOCUMENT.encode(Document.newBuilder().setId(id).setText(text).build()));
  }

  /**
   * Runs the forwarding punctuation until {@code count} embeddings are out (the scheduler works in
   * real time).
   */
  private void awaitOutputs(int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (embeddings.getQueueSize() < count && System.nanoTime() < deadline) {
      driver.advanceWallClockTime(ProcessorSettings.DEFAULT_FORWARD_INTERVAL);
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    assertThat(embeddings.getQueueSize())
        .as("embeddings out within 60 s")
        .isGreaterThanOrEqualTo(count);
  }

  @Test
  void shouldEmitEveryDocumentOnceInPassesWithinTheTokenBudget() {
    Map<String, Integer> tokens = new HashMap<>();
    for (int i = 0; i < 140; i++) {
      String text =
          i % 7 == 0 ? StreamFixtures.textOfAbout(300, i) : StreamFixtures.textOfAbout(40, i);
      assertThat(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))
          .as("under the topology's size limit")
          .hasSizeLessThan(MAX_TEXT_BYTES);
      tokens.put("d" + i, engine.tokenizer().encode(text).ids().length);
      send("d" + i, text);
    }
    awaitOutputs(140);

    List<TestRecord<String, Embedding>> out = embeddings.readRecordsToList();
    assertThat(out)
        .extracting(TestRecord::key)
        .containsExactlyInAnyOrderElementsOf(tokens.keySet());
    Map<String, List<TestRecord<String, Embedding>>> passes = new HashMap<>();
    for (TestRecord<String, Embedding> record : out) {
      passes
          .computeIfAbsent(header(record, OutputRecords.BATCH_ID_HEADER), b -> new ArrayList<>())
          .add(record);
    }
    assertThat(passes.size())
        .as(
            "140 documents of %d tokens cannot share one pass",
            tokens.values().stream().mapToInt(Integer::intValue).sum())
        .isGreaterThan(1);
    for (List<TestRecord<String, Embedding>> pass : passes.values()) {
      int passTokens = pass.stream().mapToInt(r -> tokens.get(r.key())).sum();
      assertThat(passTokens).as("pass tokens").isLessThanOrEqualTo(8192);
      assertThat(Integer.parseInt(header(pass.get(0), OutputRecords.BATCH_TOKENS_HEADER)))
          .isEqualTo(passTokens);
      assertThat(Integer.parseInt(header(pass.get(0), OutputRecords.BATCH_DOCUMENTS_HEADER)))
          .isEqualTo(pass.size());
      assertThat(Integer.parseInt(header(pass.get(0), OutputRecords.BATCH_SLOTS_HEADER)))
          .isGreaterThanOrEqualTo(passTokens);
    }
  }

  @Test
  void shouldRunALoneDocumentAtOnceWhateverTheMaxWait() {
    startDriver(StreamsConfig.EXACTLY_ONCE_V2, Duration.ofMinutes(10));
    long start = System.nanoTime();
    send("lone", "Le chat dort sur le canapé.");

    awaitOutputs(1);

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("an idle model does not wait for max-wait")
        .isLessThan(Duration.ofSeconds(10));
    assertThat(embeddings.readKeyValue().key).isEqualTo("lone");
    assertThat(labels.readValue().getLabels().get(0).getLabel()).isEqualTo("fr");
  }

  @Test
  void shouldDeadLetterADocumentThatFailsInferenceAndEmitTheRest() {
    // TopologyTestDriver commits dead letters of skipped records only at least once (see
    // startDriver).
    int[] poison = engine.tokenizer().encode("Cette phrase fait échouer le modèle.").ids();
    startDriver(
        StreamsConfig.AT_LEAST_ONCE,
        AppConfig.DEFAULT_MAX_WAIT,
        (documents, plan, hiddenStates, onPacked) -> {
          for (var document : documents) {
            if (java.util.Arrays.equals(document.inputIds(), poison)) {
              throw new IllegalStateException("injected failure");
            }
          }
          return engine.encode(documents, plan, hiddenStates, onPacked);
        });
    send("good-1", "The file could not be opened.");
    send("poison", "Cette phrase fait échouer le modèle.");
    send("good-2", "Die Datei konnte nicht geöffnet werden.");
    awaitOutputs(2);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (deadLetters.isEmpty() && System.nanoTime() < deadline) {
      driver.advanceWallClockTime(ProcessorSettings.DEFAULT_FORWARD_INTERVAL);
    }

    assertThat(embeddings.readKeyValuesToMap()).containsOnlyKeys("good-1", "good-2");
    TestRecord<String, DeadLetter> letter = deadLetters.readRecord();
    assertThat(letter.key()).isEqualTo("poison");
    assertThat(letter.value().getReason()).isEqualTo(DeadLetterReason.PROCESSING_FAILED);
    assertThat(letter.value().getDetail()).contains("injected failure");
    assertThat(letter.value().getSourceTopic()).isEqualTo("documents");
    assertThat(letter.value().getSourceOffset()).isEqualTo(1L);
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  private static String header(TestRecord<String, ?> record, String name) {
    return new String(
        record.headers().lastHeader(name).value(), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void shouldEmitWhatTheEngineComputesForTheSameDocuments() {
    List<String> texts =
        List.of(
            "Die Datei konnte nicht geöffnet werden.",
            "ファイルを開けませんでした。",
            "No se pudo abrir el archivo.",
            StreamFixtures.textOfAbout(120, 17));
    for (int i = 0; i < texts.size(); i++) {
      send("e" + i, texts.get(i));
    }
    awaitOutputs(texts.size());

    List<DocumentInput> inputs = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      inputs.add(DocumentInput.text("e" + i, texts.get(i)));
    }
    Map<String, EncodedDocument> expected = new HashMap<>();
    engine.encode(inputs, false).forEach(d -> expected.put(d.id(), d));
    Map<String, Embedding> actual = embeddings.readKeyValuesToMap();
    Map<String, Labels> actualLabels = labels.readKeyValuesToMap();
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    for (String id : expected.keySet()) {
      float[] want = expected.get(id).embedding();
      List<Float> got = actual.get(id).getVector();
      assertThat(got).hasSize(want.length);
      for (int j = 0; j < want.length; j++) {
        assertThat((double) got.get(j))
            .isCloseTo(want[j], org.assertj.core.data.Offset.offset(1e-5));
      }
      assertThat(actual.get(id).getTokens()).isEqualTo(expected.get(id).tokens());
      assertThat(actualLabels.get(id).getLabels().get(0).getLabel())
          .isEqualTo(expected.get(id).labels().get(0).label());
      assertThat((double) actualLabels.get(id).getLabels().get(0).getScore())
          .isCloseTo(
              expected.get(id).labels().get(0).score(), org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void shouldSendEveryBadInputToTheDeadLetterTopicAndKeepGoing() throws IOException {
    startDriver(StreamsConfig.AT_LEAST_ONCE);
    send("good-1", "The file could not be opened.");
    documents.pipeInput("junk", new byte[] {1, 2, 3, 4, 5});
    documents.pipeInput(
        "no-id",
        AvroSerdes.DOCUMENT.encode(Document.newBuilder().setId("").setText("hello").build()));
    documents.pipeInput(
        "empty",
        AvroSerdes.DOCUMENT.encode(Document.newBuilder().setId("empty").setText("  ").build()));
    documents.pipeInput(
        "bad-utf8", documentWithRawText("bad-utf8", new byte[] {'a', (byte) 0xC3, 0x28, 'b'}));
    send("too-large", "x".repeat(MAX_TEXT_BYTES + 1));
    documents.pipeInput("tombstone", (byte[]) null);
    documents.pipeInput("empty-value", new byte[0]);
    Embedding notADocument =
        Embedding.newBuilder()
            .setId("x")
            .setModel("m")
            .setVector(List.of(1f))
            .setDimensions(1)
            .setPooling("cls")
            .setNormalized(false)
            .setTokens(1)
            .setTruncated(false)
            .setProcessedAt(java.time.Instant.now())
            .build();
    documents.pipeInput("wrong-schema", AvroSerdes.EMBEDDING.encode(notADocument));
    byte[] whole =
        AvroSerdes.DOCUMENT.encode(
            Document.newBuilder().setId("truncated").setText("cut short").build());
    documents.pipeInput("truncated", java.util.Arrays.copyOf(whole, 12));
    // Odd but valid: a huge header and control characters are no reason to refuse a document.
    org.apache.kafka.common.header.internals.RecordHeaders huge =
        new org.apache.kafka.common.header.internals.RecordHeaders();
    huge.add("x-huge", new byte[512 * 1024]);
    documents.pipeInput(
        new TestRecord<>(
            "huge-header",
            AvroSerdes.DOCUMENT.encode(
                Document.newBuilder()
                    .setId("huge-header")
                    .setText("Ein Kopf von 512 KiB.")
                    .build()),
            huge,
            (java.time.Instant) null));
    send("control-chars", "Tab\there, NUL\u0000 and bell\u0007 in one line.");
    send("good-2", "Le fichier n'a pas pu être ouvert.");
    awaitOutputs(4);

    Map<String, DeadLetterReason> reasons = new HashMap<>();
    for (TestRecord<String, DeadLetter> letter : deadLetters.readRecordsToList()) {
      reasons.put(letter.key(), letter.value().getReason());
      assertThat(letter.value().getSourceTopic()).isEqualTo("documents");
      assertThat(letter.value().getSourceOffset()).isBetween(1L, 9L);
      assertThat(letter.value().getApplication()).isEqualTo("modernbert-stream");
    }
    assertThat(reasons)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "junk", DeadLetterReason.UNDECODABLE,
                "no-id", DeadLetterReason.MISSING_ID,
                "empty", DeadLetterReason.EMPTY_TEXT,
                "bad-utf8", DeadLetterReason.INVALID_UTF8,
                "too-large", DeadLetterReason.TOO_LARGE,
                "tombstone", DeadLetterReason.MISSING_TEXT,
                "empty-value", DeadLetterReason.UNDECODABLE,
                "wrong-schema", DeadLetterReason.UNDECODABLE,
                "truncated", DeadLetterReason.UNDECODABLE));
    assertThat(embeddings.readKeyValuesToMap())
        .containsOnlyKeys("good-1", "huge-header", "control-chars", "good-2");
  }

  @Test
  void shouldKeepTheOriginalBytesInTheDeadLetter() {
    startDriver(StreamsConfig.AT_LEAST_ONCE);
    byte[] junk = {9, 8, 7};
    documents.pipeInput("junk", junk);

    DeadLetter letter = deadLetters.readValue();
    byte[] kept = new byte[letter.getValue().remaining()];
    letter.getValue().duplicate().get(kept);
    assertThat(kept).containsExactly(junk);
    assertThat(letter.getDetail()).contains("not a single-object encoded");
  }

  @Test
  void shouldDeadLetterADocumentWhoseKeyIsTooLargeToKeepAndGoOn() {
    startDriver(StreamsConfig.EXACTLY_ONCE_V2);
    String key = "k".repeat(InputLimits.MAX_KEY_BYTES + 1);
    documents.pipeInput(
        key,
        AvroSerdes.DOCUMENT.encode(
            Document.newBuilder().setId("long-key").setText("Ein Satz.").build()));
    send("after", "Ein ganz normaler Satz.");
    awaitOutputs(1);

    assertThat(embeddings.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("after");
    var letter = deadLetters.readRecord();
    assertThat(letter.value().getReason()).isEqualTo(DeadLetterReason.TOO_LARGE);
    assertThat(letter.value().getDetail())
        .isEqualTo("the document has a key of 16385 bytes; the limit is 16384");
    assertThat(letter.value().getKey().remaining()).isEqualTo(DeadLetterFactory.KEY_PREFIX_BYTES);
    assertThat(letter.key()).hasSize(DeadLetterFactory.KEY_PREFIX_BYTES);
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  /** A Document in single-object encoding whose text field holds exactly {@code text} bytes. */
  private static byte[] documentWithRawText(String id, byte[] text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xC3);
    out.write(0x01);
    long fingerprint = SchemaNormalization.parsingFingerprint64(Document.getClassSchema());
    for (int i = 0; i < 8; i++) {
      out.write((int) (fingerprint >>> (8 * i)) & 0xFF);
    }
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    encoder.writeString(id);
    encoder.writeBytes(text); // same wire format as an Avro string
    encoder.writeMapStart();
    encoder.setItemCount(0);
    encoder.writeMapEnd();
    encoder.writeIndex(0); // createdAt: null
    encoder.flush();
    return out.toByteArray();
  }
}
