package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.modernbert.model.checkpoint.SafetensorsFile;
import io.modernbert.model.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Packed passes (several documents per row, banded sliding-window attention, chunked global
 * attention) give the same outputs as one document at a time through the unpacked reference pass,
 * within 1e-5, for random mixes of 1 to 200 documents whose lengths sit on and around the tiny
 * model's window edges (16, 32) and the row-length edges (128, 256, ...).
 */
class PackedEquivalenceIntegrationTest {
  private static final int[] EDGES = {
    1, 2, 3, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 127, 128, 129, 255, 256, 257, 511, 512,
    513, 1023, 1024, 1025, 2047, 2048, 2049
  };
  private static final double TOLERANCE = 1e-5;

  private static InferenceEngine engine;
  private static ReferencePass reference;

  @BeforeAll
  static void load() {
    engine = InferenceEngine.load(Fixtures.TINY_CLASSIFIER, Fixtures.testOptions());
    reference = new ReferencePass(engine);
  }

  @AfterAll
  static void close() {
    reference.close();
    engine.close();
  }

  static Stream<Integer> mixSizes() {
    return Stream.of(1, 2, 7, 33, 120, 200);
  }

  @ParameterizedTest(name = "{0} documents")
  @MethodSource("mixSizes")
  void shouldMatchOneDocumentAtATime(int count) {
    Random random = new Random(1000 + count);
    List<int[]> documents = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int length =
          random.nextInt(3) == 0 ? 1 + random.nextInt(700) : EDGES[random.nextInt(EDGES.length)];
      documents.add(randomDocument(random, length));
    }

    RawOutputs[] packed = engine.forward(documents, true);

    assertThat(engine.plan(documents))
        .as("the mix is packed, not one document per pass")
        .hasSizeLessThan(Math.max(2, count));
    for (int i = 0; i < count; i++) {
      assertSame(
          "document " + i + " (" + documents.get(i).length + " tokens)",
          packed[i],
          reference.forward(documents.get(i), true));
    }
  }

  @Test
  void shouldMatchTheReferencePassOnTheGoldenSequences() {
    try (SafetensorsFile golden =
        SafetensorsFile.open(Fixtures.GOLDEN.resolve("tiny-classifier-ids.safetensors"))) {
      List<int[]> documents =
          IntStream.range(0, 15)
              .mapToObj(i -> golden.readInts(String.format("s%02d.input_ids", i)))
              .toList();
      RawOutputs[] packed = engine.forward(documents, true);
      for (int i = 0; i < documents.size(); i++) {
        assertSame(String.format("s%02d", i), packed[i], reference.forward(documents.get(i), true));
      }
    }
  }

  @Test
  void shouldNeverMixDocumentsOrExceedTheBudget() {
    Random random = new Random(7);
    List<int[]> documents = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      documents.add(randomDocument(random, 1 + random.nextInt(3000)));
    }
    int placed = 0;
    for (PackedBatch batch : engine.plan(documents)) {
      assertThat(batch.shape().slots()).isLessThanOrEqualTo(8192);
      assertThat(engine.shapes()).contains(batch.shape());
      placed += batch.placements().size();
      for (PackedBatch.Placement placement : batch.placements()) {
        int rowStart = placement.offset() / batch.shape().length() * batch.shape().length();
        assertThat(placement.offset() + placement.length())
            .as("a document stays in its row")
            .isLessThanOrEqualTo(rowStart + batch.shape().length());
      }
    }
    assertThat(placed).isEqualTo(documents.size());
  }

  private static int[] randomDocument(Random random, int length) {
    int[] ids = new int[length];
    ids[0] = 50281;
    for (int t = 1; t < length; t++) {
      ids[t] = 100 + random.nextInt(50000);
    }
    if (length > 1) {
      ids[length - 1] = 50282;
    }
    return ids;
  }

  private static void assertSame(String what, RawOutputs actual, RawOutputs expected) {
    for (int t = 0; t < expected.lastHiddenState().length; t++) {
      TinyClassifierGoldenTest.assertClose(
          what + " token " + t,
          actual.lastHiddenState()[t],
          expected.lastHiddenState()[t],
          0,
          TOLERANCE);
    }
    TinyClassifierGoldenTest.assertClose(
        what + " mean", actual.mean(), expected.mean(), 0, TOLERANCE);
    TinyClassifierGoldenTest.assertClose(what + " cls", actual.cls(), expected.cls(), 0, TOLERANCE);
    TinyClassifierGoldenTest.assertClose(what + " max", actual.max(), expected.max(), 0, TOLERANCE);
    TinyClassifierGoldenTest.assertClose(
        what + " logits", actual.logits(), expected.logits(), 0, TOLERANCE);
  }
}
