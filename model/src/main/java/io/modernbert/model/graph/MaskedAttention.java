package io.modernbert.model.graph;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Attention over the whole [len, len] score matrix under a precomputed additive bias. The
 * straightforward formulation: the unpacked reference graph uses it for both layer types.
 */
public final class MaskedAttention implements AttentionKernel {
  private final GraphBuilder graph;
  private final Operand<TFloat32> bias;
  private final double scale;

  /** bias [rows, 1, len, len]. */
  public MaskedAttention(GraphBuilder graph, Operand<TFloat32> bias, int headDim) {
    this.graph = graph;
    this.bias = bias;
    this.scale = 1.0 / Math.sqrt(headDim);
  }

  @Override
  public Operand<TFloat32> attend(Operand<TFloat32> q, Operand<TFloat32> k, Operand<TFloat32> v) {
    Ops tf = graph.tf();
    Operand<TFloat32> scores = tf.math.add(tf.math.mul(graph.batchMatMul(q, k, true), graph.scalar(scale)), bias);
    return graph.batchMatMul(tf.nn.softmax(scores), v, false);
  }
}
