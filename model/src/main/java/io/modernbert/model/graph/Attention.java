package io.modernbert.model.graph;

import io.modernbert.model.config.ModernBertConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * {@code ModernBertAttention}: fused Wqkv projection, rotary embedding, attention by the layer
 * type's kernel, and the Wo output projection.
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

  /** x [rows * len, hidden] -> [rows * len, hidden]; {@code rows} static, len may be dynamic. */
  public Operand<TFloat32> apply(
      Operand<TFloat32> x, int rows, RotaryEmbedding rope, AttentionKernel kernel) {
    Ops tf = graph.tf();
    // [rows*len, 3*hidden] -> [rows, len, 3, heads, d] -> [3, rows, heads, len, d]
    Operand<TFloat32> qkv =
        tf.linalg.transpose(
            tf.reshape(wqkv.apply(x), graph.ints(rows, -1, 3, heads, headDim)),
            graph.ints(2, 0, 3, 1, 4));
    var parts = tf.split(tf.constant(0), qkv, 3L).output();
    Operand<TFloat32> q =
        rope.apply(dropFirstAxis(tf, parts.get(0), rows)); // [rows, heads, len, d]
    Operand<TFloat32> k = rope.apply(dropFirstAxis(tf, parts.get(1), rows));
    Operand<TFloat32> v = dropFirstAxis(tf, parts.get(2), rows);
    return wo.apply(attendAndMerge(graph.computeType(), kernel, q, k, v));
  }

  /**
   * Attention in the compute precision {@code type}: [rows, heads, len, d] -> [rows*len, hidden].
   */
  private <T extends TNumber> Operand<T> attendAndMerge(
      Class<T> type,
      AttentionKernel kernel,
      Operand<TFloat32> q,
      Operand<TFloat32> k,
      Operand<TFloat32> v) {
    Ops tf = graph.tf();
    Operand<T> context = kernel.attend(graph.as(q, type), graph.as(k, type), graph.as(v, type));
    // [rows, heads, len, d] -> [rows, len, heads, d] -> [rows*len, hidden]
    return tf.reshape(tf.linalg.transpose(context, graph.ints(0, 2, 1, 3)), graph.ints(-1, hidden));
  }

  private Operand<TFloat32> dropFirstAxis(Ops tf, Operand<TFloat32> x, int rows) {
    return tf.reshape(x, graph.ints(rows, heads, -1, headDim));
  }
}
