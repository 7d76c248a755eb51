package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.modernbert.model.config.ModernBertConfig;
import io.modernbert.model.graph.BatchShape;
import io.modernbert.model.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * An engine builds the graph of its serving shapes when it loads and the graph of the larger shapes
 * on their first use; both read the same weights and give the reference pass's outputs.
 */
class ShapeGraphTest {
  private static final double TOLERANCE = 1e-5;

  @Test
  void shouldBuildTheLargerShapesOnlyWhenAPassNeedsThem() {
    try (InferenceEngine engine =
            InferenceEngine.load(Fixtures.TINY_CLASSIFIER, Fixtures.testOptions());
        ReferencePass reference = new ReferencePass(engine)) {
      engine.warmUp();
      int[] shortDocument = document(new Random(1), 100);
      engine.forward(shortDocument, false);
      assertThat(engine.largerGraphBuilt())
          .as("the serving shapes ran, the larger ones were never asked for")
          .isFalse();
      assertThat(engine.servingShapes()).allMatch(shape -> shape.slots() <= 1024);

      int[] longDocument = document(new Random(2), 1500);
      BatchShape shape = engine.plan(List.of(longDocument)).get(0).shape();
      assertThat(shape.slots()).isGreaterThan(InferenceEngine.SERVING_SLOTS);
      RawOutputs packed = engine.forward(longDocument, false);

      assertThat(engine.largerGraphBuilt()).isTrue();
      assertClose(packed, reference.forward(longDocument, false));
      assertClose(engine.forward(shortDocument, false), reference.forward(shortDocument, false));
    }
  }

  @Test
  void shouldBuildTheLargerShapesOnceWhenPassesAskForThemConcurrently() throws Exception {
    try (InferenceEngine engine =
            InferenceEngine.load(Fixtures.TINY_CLASSIFIER, Fixtures.testOptions());
        ReferencePass reference = new ReferencePass(engine)) {
      List<int[]> documents = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        documents.add(document(new Random(10 + i), 1100 + 300 * i));
      }
      ExecutorService pool = Executors.newFixedThreadPool(documents.size());
      try {
        List<Future<RawOutputs>> results = new ArrayList<>();
        for (int[] document : documents) {
          results.add(pool.submit(() -> engine.forward(document, false)));
        }
        for (int i = 0; i < documents.size(); i++) {
          assertClose(results.get(i).get(), reference.forward(documents.get(i), false));
        }
      } finally {
        pool.shutdownNow();
      }
      ShapeGraph larger = engine.graphOf(engine.plan(List.of(documents.get(0))).get(0).shape());
      for (int[] document : documents) {
        assertThat(engine.graphOf(engine.plan(List.of(document)).get(0).shape()))
            .as("one graph for every larger shape")
            .isSameAs(larger);
      }
    }
  }

  @Test
  void shouldRunASmallModelsServingShapesOnOneThreadOnlyWhenSessionsOwnTheirPools() {
    EngineOptions twoThreads = EngineOptions.defaults().withThreads(2);
    ModernBertConfig langid = ModernBertConfig.load(Fixtures.LANGID_MODEL);
    ModernBertConfig base =
        ModernBertConfig.load(Fixtures.SHARED.resolve("modernbert"), "config-base.json");

    assertThat(InferenceEngine.servingThreads(langid, twoThreads, true)).isEqualTo(1);
    assertThat(InferenceEngine.servingThreads(base, twoThreads, true)).isEqualTo(2);
    assertThat(InferenceEngine.servingThreads(base, EngineOptions.defaults(), true))
        .as("0 stays 'every core'")
        .isZero();
    assertThat(InferenceEngine.servingThreads(langid, twoThreads, false))
        .as(
            "sessions sharing TensorFlow's one pool keep every thread, or the larger shapes lose one")
        .isEqualTo(2);
  }

  private static int[] document(Random random, int length) {
    int[] ids = new int[length];
    ids[0] = 50281;
    for (int t = 1; t < length - 1; t++) {
      ids[t] = 100 + random.nextInt(50000);
    }
    ids[length - 1] = 50282;
    return ids;
  }

  private static void assertClose(RawOutputs actual, RawOutputs expected) {
    TinyClassifierGoldenTest.assertClose("mean", actual.mean(), expected.mean(), 0, TOLERANCE);
    TinyClassifierGoldenTest.assertClose(
        "logits", actual.logits(), expected.logits(), 0, TOLERANCE);
  }
}
