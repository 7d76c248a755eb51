package io.modernbert.model.graph;

import io.modernbert.model.config.ModernBertConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The whole ModernBERT encoder as one TensorFlow graph: embeddings, the encoder layers, final norm,
 * pooling and, for classifiers, the prediction head and classifier.
 *
 * <p>One set of weight inputs feeds several forward passes, each under its own name scope (see
 * {@link GraphNames}): one per packed {@link BatchShape}, with banded sliding-window attention and
 * chunked global attention; or, for tests, the {@link #REFERENCE_SCOPE reference} pass of one row
 * of any length with plain masked attention, which tests use as the obviously-correct formulation.
 */
public final class ModernBertGraph {
  /** Scope of the unpacked pass: input [1, len], any len, full masked attention on every layer. */
  public static final String REFERENCE_SCOPE = "reference";

  /** Rows up to this many sliding-window blocks use masked full attention on local layers. */
  static final int BANDED_MIN_BLOCKS = 4;

  private final Map<String, GraphBuilder.WeightSpec> weights;
  private final List<BatchShape> shapes;

  private ModernBertGraph(Map<String, GraphBuilder.WeightSpec> weights, List<BatchShape> shapes) {
    this.weights = weights;
    this.shapes = List.copyOf(shapes);
  }

  /** The weights the graph reads, by HF name (without the checkpoint's {@code model.} prefix). */
  public Map<String, GraphBuilder.WeightSpec> weights() {
    return weights;
  }

  public List<BatchShape> shapes() {
    return shapes;
  }

  /** Only the weights: what a checkpoint for {@code config} must contain. */
  public static ModernBertGraph build(Graph graph, ModernBertConfig config) {
    return build(graph, config, Precision.FP32, List.of());
  }

  /** Adds the encoder for {@code config} to {@code graph}: one packed pass per shape. */
  public static ModernBertGraph build(
      Graph graph, ModernBertConfig config, Precision precision, List<BatchShape> shapes) {
    return build(graph, config, precision, shapes, false);
  }

  /**
   * The unpacked reference pass alone, under {@link #REFERENCE_SCOPE}: one row of any length, plain
   * masked attention. Tests compare the packed passes against it; serving graphs leave it out (it
   * would add a dynamic-length copy of the model to every graph).
   */
  public static ModernBertGraph buildReference(
      Graph graph, ModernBertConfig config, Precision precision) {
    return build(graph, config, precision, List.of(), true);
  }

  private static ModernBertGraph build(
      Graph graph,
      ModernBertConfig config,
      Precision precision,
      List<BatchShape> shapes,
      boolean reference) {
    GraphBuilder builder = new GraphBuilder(Ops.create(graph), precision);
    Blocks blocks = new Blocks(builder, config);
    if (reference) {
      blocks.forward(REFERENCE_SCOPE, 1, -1);
    }
    for (BatchShape shape : shapes) {
      blocks.forward(shape.scope(), shape.rows(), shape.length());
    }
    return new ModernBertGraph(builder.weights(), shapes);
  }

  /** The model's blocks (weights created once) and how to wire one forward pass through them. */
  private static final class Blocks {
    private final GraphBuilder builder;
    private final ModernBertConfig config;
    private final Embeddings embeddings;
    private final List<EncoderLayer> layers = new ArrayList<>();
    private final LayerNorm finalNorm;
    private final ClassificationHead head;

    Blocks(GraphBuilder builder, ModernBertConfig config) {
      this.builder = builder;
      this.config = config;
      this.embeddings = new Embeddings(builder, config);
      for (int i = 0; i < config.numHiddenLayers(); i++) {
        layers.add(new EncoderLayer(builder, i, config));
      }
      this.finalNorm =
          new LayerNorm(
              builder, "final_norm", config.hiddenSize(), config.normEps(), config.normBias());
      this.head = config.isClassifier() ? new ClassificationHead(builder, config) : null;
    }

    /** One pass for inputs [rows, length]; length -1 means the unpacked reference pass. */
    void forward(String scope, int rows, int length) {
      Ops tf = builder.tf();
      Ops endpoints = tf.withSubScope(scope);
      boolean packed = length > 0;
      Operand<TInt32> ids = input(endpoints, GraphNames.INPUT_IDS, rows, length);
      Operand<TInt32> positions = input(endpoints, GraphNames.POSITION_IDS, rows, length);
      Operand<TInt32> segments = input(endpoints, GraphNames.SEGMENT_IDS, rows, length);
      Operand<TInt32> clsIndex =
          endpoints
              .withName(GraphNames.CLS_INDEX)
              .placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));

      int heads = config.numAttentionHeads();
      int headDim = config.headDim();
      RotaryEmbedding globalRope =
          new RotaryEmbedding(builder, positions, headDim, config.globalRopeTheta());
      RotaryEmbedding localRope =
          new RotaryEmbedding(builder, positions, headDim, config.localRopeTheta());
      AttentionKernel global;
      AttentionKernel local;
      int block = config.localAttention() / 2;
      if (packed && length > BANDED_MIN_BLOCKS * block) {
        global = new ChunkedGlobalAttention(builder, segments, rows, length, heads, headDim);
        local =
            new BandedAttention(
                builder,
                AttentionMask.banded(builder, segments, rows, length, block),
                rows,
                length,
                heads,
                headDim,
                block);
      } else if (packed) {
        // Short rows: the whole row is fewer keys than a band of 3 blocks, in larger matmuls.
        global = new ChunkedGlobalAttention(builder, segments, rows, length, heads, headDim);
        local =
            new MaskedAttention(
                builder,
                AttentionMask.slidingFull(builder, segments, positions, config.localAttention()),
                headDim);
      } else {
        global = new MaskedAttention(builder, AttentionMask.full(builder, segments), headDim);
        local =
            new MaskedAttention(
                builder,
                AttentionMask.slidingFull(builder, segments, positions, config.localAttention()),
                headDim);
      }

      Operand<TFloat32> h =
          embeddings.apply(tf.reshape(ids, builder.ints(-1))); // [rows*len, hidden]
      PassAttention attention = new PassAttention(globalRope, global, localRope, local);
      for (EncoderLayer layer : layers) {
        h = layer.apply(h, rows, attention);
      }
      h = finalNorm.apply(h);
      endpoints.withName(GraphNames.LAST_HIDDEN_STATE).identity(h);

      Pooler pooler = new Pooler(builder, segments, clsIndex);
      Operand<TFloat32> mean = endpoints.withName(GraphNames.POOLED_MEAN).identity(pooler.mean(h));
      Operand<TFloat32> cls = endpoints.withName(GraphNames.POOLED_CLS).identity(pooler.cls(h));
      endpoints.withName(GraphNames.POOLED_MAX).identity(pooler.max(h));
      if (head != null) {
        Operand<TFloat32> pooled =
            config.classifierPooling() == ModernBertConfig.Pooling.MEAN ? mean : cls;
        Operand<TFloat32> headOutput =
            endpoints.withName(GraphNames.HEAD).identity(head.head(pooled));
        endpoints.withName(GraphNames.LOGITS).identity(head.logits(headOutput));
      }
    }

    private static Operand<TInt32> input(Ops endpoints, String name, int rows, int length) {
      return endpoints
          .withName(name)
          .placeholder(TInt32.class, Placeholder.shape(Shape.of(rows, length)));
    }
  }
}
