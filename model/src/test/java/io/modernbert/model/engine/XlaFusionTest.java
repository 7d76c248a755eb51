package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modernbert.model.config.ModernBertConfig;
import io.modernbert.model.graph.AttentionMask;
import io.modernbert.model.graph.BandedAttention;
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
    List<NodeDef> marked = markedNodes(Precision.FP32);
    // LayerNorm, GeGLU, RoPE, and the band copies of the sliding-window layers.
    assertThat(types(marked)).contains("Rsqrt", "Erf", "Add", "Mul", "ConcatV2", "Slice");
    assertThat(types(marked)).doesNotContainAnyElementsOf(XlaFusion.NOT_COMPILED);
    assertThat(marked).noneMatch(node -> underScope(node, AttentionMask.SCORE_MASK_SCOPE));
  }

  @Test
  void shouldLeaveTheBandCopiesToTensorFlowInBf16ButFuseRopesConcat() {
    List<NodeDef> marked = markedNodes(Precision.BF16);
    // ConcatV2 is still marked: RoPE's rotate-half, which must fuse with the rest of RoPE.
    assertThat(types(marked)).contains("Rsqrt", "Erf", "Cast", "Add", "Mul", "ConcatV2");
    assertThat(types(marked)).doesNotContainAnyElementsOf(XlaFusion.NOT_COMPILED);
    assertThat(marked)
        .noneMatch(node -> underScope(node, BandedAttention.BAND_COPY_SCOPE))
        .noneMatch(node -> underScope(node, AttentionMask.SCORE_MASK_SCOPE));
  }

  @Test
  void shouldBuildTheBandCopiesAndScoreMasksUnderTheirScopes() {
    try (Graph built = builtGraph(Precision.BF16)) {
      List<NodeDef> nodes = built.toGraphDef().getNodeList();
      assertThat(nodes)
          .filteredOn(node -> underScope(node, BandedAttention.BAND_COPY_SCOPE))
          .extracting(NodeDef::getOp)
          .contains("PadV2", "Slice", "Reshape", "ConcatV2");
      assertThat(nodes)
          .filteredOn(node -> underScope(node, AttentionMask.SCORE_MASK_SCOPE))
          .extracting(NodeDef::getOp)
          .contains("SelectV2");
    }
  }

  @Test
  void shouldTellNamesUnderAScopeFromLookalikes() {
    assertThat(XlaFusion.inScope("band_copy/Slice_3", "band_copy")).isTrue();
    assertThat(XlaFusion.inScope("band_copy_2/Slice", "band_copy")).isTrue();
    assertThat(XlaFusion.inScope("band_copy", "band_copy")).isFalse();
    assertThat(XlaFusion.inScope("band_copyist/Slice", "band_copy")).isFalse();
    assertThat(XlaFusion.inScope("band_copy_x/Slice", "band_copy")).isFalse();
    assertThat(XlaFusion.inScope("b1x128/band_copy/Slice", "band_copy")).isFalse();
  }

  private static boolean underScope(NodeDef node, String scope) {
    return XlaFusion.inScope(node.getName(), scope);
  }

  private static Set<String> types(List<NodeDef> nodes) {
    Set<String> types = new HashSet<>();
    nodes.forEach(node -> types.add(node.getOp()));
    return types;
  }

  private static List<BatchShape> shapes(ModernBertConfig config) {
    return BatchShape.standardSet(1024, 1024, config.localAttention() / 2);
  }

  /** The tiny classifier's graph, which has no reference pass. */
  private static Graph builtGraph(Precision precision) {
    ModernBertConfig config = ModernBertConfig.load(Fixtures.TINY_CLASSIFIER);
    Graph built = new Graph();
    ModernBertGraph.build(built, config, precision, shapes(config));
    return built;
  }

  /** The nodes marked for XLA in the tiny classifier's graph. */
  private static List<NodeDef> markedNodes(Precision precision) {
    ModernBertConfig config = ModernBertConfig.load(Fixtures.TINY_CLASSIFIER);
    List<String> scopes = shapes(config).stream().map(BatchShape::scope).toList();
    try (Graph built = builtGraph(precision);
        Graph marked = XlaFusion.mark(built, scopes, precision)) {
      List<NodeDef> nodes = marked.toGraphDef().getNodeList();
      assertThat(nodes)
          .noneMatch(node -> node.getName().startsWith(ModernBertGraph.REFERENCE_SCOPE + "/"));
      return nodes.stream().filter(node -> node.containsAttr(XlaFusion.COMPILE_ATTRIBUTE)).toList();
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
