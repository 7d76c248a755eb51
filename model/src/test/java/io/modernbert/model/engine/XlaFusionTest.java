package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modernbert.model.config.ModernBertConfig;
import io.modernbert.model.graph.BatchShape;
import io.modernbert.model.graph.ModernBertGraph;
import io.modernbert.model.graph.Precision;
import io.modernbert.model.testing.Fixtures;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.proto.NodeDef;

/** XlaMode.ELEMENTWISE: which ops go to XLA, and that fused passes compute what unfused ones do. */
class XlaFusionTest {
  @Test
  void shouldMarkTheElementwiseOpsOfPackedPassesButNotMatmulsSoftmaxRopeTablesOrTheReferencePass() {
    Set<String> fp32 = markedTypes(Precision.FP32);
    // LayerNorm, GeGLU, masking, and the band copies of the sliding-window layers.
    assertThat(fp32).contains("Rsqrt", "Erf", "SelectV2", "Add", "Mul", "ConcatV2", "Slice");
    assertThat(fp32).doesNotContainAnyElementsOf(XlaFusion.NOT_COMPILED);
  }

  @Test
  void shouldLeaveTheBandCopiesToTensorFlowInBf16() {
    Set<String> bf16 = markedTypes(Precision.BF16);
    assertThat(bf16).contains("Rsqrt", "Erf", "SelectV2", "Cast", "Add", "Mul");
    assertThat(bf16).doesNotContainAnyElementsOf(XlaFusion.NOT_COMPILED);
    assertThat(bf16).doesNotContainAnyElementsOf(XlaFusion.NOT_COMPILED_IN_BF16);
  }

  /** The op types marked for XLA in the tiny classifier's graph, which has no reference pass. */
  private static Set<String> markedTypes(Precision precision) {
    ModernBertConfig config = ModernBertConfig.load(Fixtures.TINY_CLASSIFIER);
    List<BatchShape> shapes = BatchShape.standardSet(1024, 1024, config.localAttention() / 2);
    try (Graph built = new Graph()) {
      ModernBertGraph.build(built, config, precision, shapes);
      try (Graph marked =
          XlaFusion.mark(built, shapes.stream().map(BatchShape::scope).toList(), precision)) {
        List<NodeDef> nodes = marked.toGraphDef().getNodeList();
        assertThat(nodes)
            .noneMatch(node -> node.getName().startsWith(ModernBertGraph.REFERENCE_SCOPE + "/"));
        Set<String> markedTypes = new HashSet<>();
        for (NodeDef node : nodes) {
          if (node.containsAttr(XlaFusion.COMPILE_ATTRIBUTE)) {
            markedTypes.add(node.getOp());
          }
        }
        return markedTypes;
      }
    }
  }

  @Test
  void shouldFuseByDefaultOnlyFromBaseSizedModelsUp() {
    assertThat(XlaMode.AUTO.resolve(768)).isEqualTo(XlaMode.ELEMENTWISE);
    assertThat(XlaMode.AUTO.resolve(512)).isEqualTo(XlaMode.ELEMENTWISE);
    assertThat(XlaMode.AUTO.resolve(128)).isEqualTo(XlaMode.OFF);
    assertThat(XlaMode.FULL.resolve(128)).isEqualTo(XlaMode.FULL);
    assertThat(XlaMode.OFF.resolve(768)).isEqualTo(XlaMode.OFF);
  }

  @Test
  void shouldGiveTheSameOutputsWithAndWithoutXla() {
    Random random = new Random(7);
    List<int[]> documents = new ArrayList<>();
    for (int length : new int[] {3, 16, 17, 64, 65, 127, 128, 200, 300, 511}) {
      int[] ids = new int[length];
      for (int i = 0; i < length; i++) {
        ids[i] = 5 + random.nextInt(200);
      }
      documents.add(ids);
    }
    RawOutputs[] fused;
    RawOutputs[] plain;
    try (InferenceEngine engine =
        InferenceEngine.load(
            Fixtures.TINY_CLASSIFIER, Fixtures.testOptions().withXla(XlaMode.ELEMENTWISE))) {
      fused = engine.forward(documents, false);
    }
    try (InferenceEngine engine =
        InferenceEngine.load(
            Fixtures.TINY_CLASSIFIER, Fixtures.testOptions().withXla(XlaMode.OFF))) {
      plain = engine.forward(documents, false);
    }
    for (int d = 0; d < documents.size(); d++) {
      for (int i = 0; i < plain[d].mean().length; i++) {
        assertThat(fused[d].mean()[i])
            .as("document %d, mean[%d]", d, i)
            .isCloseTo(plain[d].mean()[i], within(1e-5f));
      }
      for (int i = 0; i < plain[d].logits().length; i++) {
        assertThat(fused[d].logits()[i])
            .as("document %d, logits[%d]", d, i)
            .isCloseTo(plain[d].logits()[i], within(1e-5f));
      }
    }
  }
}
