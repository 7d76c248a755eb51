package io.modernbert.model.graph;

import io.modernbert.model.config.LayerType;
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
 * <p>One pass takes any number of documents laid end to end on a flat token axis (no padding);
 * {@link GraphNames} lists the inputs and outputs.
 */
public final class ModernBertGraph {
  private final Map<String, GraphBuilder.WeightSpec> weights;

  private ModernBertGraph(Map<String, GraphBuilder.WeightSpec> weights) {
    this.weights = weights;
  }

  /** The weights the graph reads, by HF name (without the checkpoint's {@code model.} prefix). */
  public Map<String, GraphBuilder.WeightSpec> weights() {
    return weights;
  }

  /** Adds the encoder for {@code config} to {@code graph}. */
  public static ModernBertGraph build(Graph graph, ModernBertConfig config) {
    GraphBuilder builder = new GraphBuilder(Ops.create(graph));
    Ops tf = builder.tf();
    Operand<TInt32> ids = intInput(tf, GraphNames.INPUT_IDS);
    Operand<TInt32> positions = intInput(tf, GraphNames.POSITION_IDS);
    Operand<TInt32> segments = intInput(tf, GraphNames.SEGMENT_IDS);
    Operand<TInt32> clsIndex = intInput(tf, GraphNames.CLS_INDEX);

    RotaryEmbedding globalRope =
        new RotaryEmbedding(builder, positions, config.headDim(), config.globalRopeTheta());
    RotaryEmbedding localRope =
        new RotaryEmbedding(builder, positions, config.headDim(), config.localRopeTheta());
    Operand<TFloat32> globalBias = AttentionMask.global(builder, segments);
    Operand<TFloat32> slidingBias =
        AttentionMask.sliding(builder, segments, positions, config.localAttention());

    Operand<TFloat32> h = new Embeddings(builder, config).apply(ids);
    List<EncoderLayer> layers = new ArrayList<>();
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      layers.add(new EncoderLayer(builder, i, config));
    }
    for (int i = 0; i < layers.size(); i++) {
      boolean global = config.layerTypes().get(i) == LayerType.FULL_ATTENTION;
      h = layers.get(i).apply(h, global ? globalRope : localRope, global ? globalBias : slidingBias);
    }
    h = new LayerNorm(builder, "final_norm", config.hiddenSize(), config.normEps(), config.normBias()).apply(h);
    tf.withName(GraphNames.LAST_HIDDEN_STATE).identity(h);

    Pooler pooler = new Pooler(builder, segments, clsIndex);
    Operand<TFloat32> mean = tf.withName(GraphNames.POOLED_MEAN).identity(pooler.mean(h));
    Operand<TFloat32> cls = tf.withName(GraphNames.POOLED_CLS).identity(pooler.cls(h));
    tf.withName(GraphNames.POOLED_MAX).identity(pooler.max(h));
    if (config.isClassifier()) {
      ClassificationHead head = new ClassificationHead(builder, config);
      Operand<TFloat32> pooled = config.classifierPooling() == ModernBertConfig.Pooling.MEAN ? mean : cls;
      Operand<TFloat32> headOutput = tf.withName(GraphNames.HEAD).identity(head.head(pooled));
      tf.withName(GraphNames.LOGITS).identity(head.logits(headOutput));
    }
    return new ModernBertGraph(builder.weights());
  }

  private static Operand<TInt32> intInput(Ops tf, String name) {
    return tf.withName(name).placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
  }
}
