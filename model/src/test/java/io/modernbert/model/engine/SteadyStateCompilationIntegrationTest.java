package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.modernbert.model.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Load with warm-up runs the serving shapes (those of at most {@link InferenceEngine#SERVING_SLOTS}
 * slots) and no other; after warming the rest, every batch shape has run once, and a
 * 10,000-document run of lognormal lengths then only uses those shapes and compiles nothing new.
 * XLA ELEMENTWISE is forced (AUTO would leave the tiny model uncompiled), as ModernBERT-base runs
 * by default.
 */
class SteadyStateCompilationIntegrationTest {
  @Test
  void shouldWarmTheServingShapesAtLoadAndCompileNothingAfterAllRan() {
    try (InferenceEngine engine =
        InferenceEngine.load(
            Fixtures.TINY_CLASSIFIER,
            Fixtures.testOptions().withWarmup(true).withXla(XlaMode.ELEMENTWISE))) {
      assertThat(engine.servingShapes())
          .isNotEmpty()
          .allSatisfy(shape -> assertThat(engine.hasRun(shape)).isTrue())
          .allSatisfy(shape -> assertThat(shape.slots()).isLessThanOrEqualTo(1024));
      assertThat(engine.compilations()).isEqualTo(engine.servingShapes().size());
      assertThat(engine.servingShapes()).hasSizeLessThan(engine.shapes().size());

      engine.warmUp(engine.shapes());
      int afterWarmup = engine.compilations();
      assertThat(afterWarmup).isEqualTo(engine.shapes().size()).isLessThanOrEqualTo(64);

      Random random = new Random(10_000);
      List<int[]> documents = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        int length =
            (int)
                Math.max(
                    2,
                    Math.min(
                        8192, Math.round(Math.exp(Math.log(60) + 0.9 * random.nextGaussian()))));
        int[] ids = new int[length];
        ids[0] = 50281;
        for (int t = 1; t < length - 1; t++) {
          ids[t] = 1000 + random.nextInt(40_000);
        }
        ids[length - 1] = 50282;
        documents.add(ids);
      }
      for (int start = 0; start < documents.size(); start += 500) {
        RawOutputs[] outputs = engine.forward(documents.subList(start, start + 500), false);
        assertThat(outputs).doesNotContainNull();
      }

      assertThat(engine.compilations()).isEqualTo(afterWarmup);
    }
  }
}
