package io.modernbert.model.graph;

import io.modernbert.model.config.ModernBertConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;

/**
 * {@code ModernBertAttention}: fused Wqkv projection, rotary embedding, scaled dot-product
 * attention under an additive mask, and the Wo output projection.
 */
public final class Attention {
  private final GraphBuilder graph;
  private final Linear wqkv;
  private final Linear wo;
  private final int heads;
  private final int headDim;
  private final int hidden;

  public Attention(GraphBuilder graph, String prefix, ModernBertConfig config) {
    this.graph = graph;
    this.hidden = config.hiddenSize();
    this.heads = config.numAttentionHeads();
    this.headDim = config.headDim();
    this.wqkv = new Linear(graph, prefix + ".Wqkv", hidden, 3 * hidden, config.attentionBias());
    this.wo = new Linear(graph, prefix + ".Wo", hidden, hidden, config.attentionBias());
  }

  /** x [n, hidden], bias [n, n] -> [n, hidden]. */
  public Operand<TFloat32> apply(Operand<TFloat32> x, RotaryEmbedding rope, Operand<TFloat32> bias) {
    Ops tf = graph.tf();
    // [n, 3*hidden] -> [n, 3, heads, d] -> [3, heads, n, d]
    Operand<TFloat32> qkv =
        tf.linalg.transpose(
            tf.reshape(wqkv.apply(x), graph.ints(-1, 3, heads, headDim)), graph.ints(1, 2, 0, 3));
    var parts = tf.split(tf.constant(0), qkv, 3L).output();
    Operand<TFloat32> q = rope.apply(squeezeFirst(tf, parts.get(0))); // [heads, n, d]
    Operand<TFloat32> k = rope.apply(squeezeFirst(tf, parts.get(1)));
    Operand<TFloat32> v = squeezeFirst(tf, parts.get(2));

    // [heads, n, n]
    Operand<TFloat32> scores =
        tf.train.batchMatMul(q, k, TFloat32.class, BatchMatMul.adjY(true));
    scores = tf.math.add(tf.math.mul(scores, graph.scalar(1.0 / Math.sqrt(headDim))), bias);
    Operand<TFloat32> probabilities = tf.nn.softmax(scores);
    // [heads, n, d] -> [n, heads, d] -> [n, hidden]
    Operand<TFloat32> context = tf.train.batchMatMul(probabilities, v, TFloat32.class);
    Operand<TFloat32> merged =
        tf.reshape(tf.linalg.transpose(context, graph.ints(1, 0, 2)), graph.ints(-1, hidden));
    return wo.apply(merged);
  }

  private Operand<TFloat32> squeezeFirst(Ops tf, Operand<TFloat32> x) {
    return tf.reshape(x, graph.ints(heads, -1, headDim));
  }

}
