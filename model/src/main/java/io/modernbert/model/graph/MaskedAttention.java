package io.modernbert.model.graph;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Attention over the whole [len, len] score matrix under a precomputed mask. The straightforward
 * formulation: the unpacked reference pass uses it for both layer types, packed passes of short
 * rows for sliding-window layers.
 */
public final class MaskedAttention implements AttentionKernel {
  private final GraphBuilder graph;
  private final Operand<TBool> mask;
  private final double scale;

  /** mask [rows, 1, len, len]. */
  public MaskedAttention(GraphBuilder graph, Operand<TBool> mask, int headDim) {
    this.graph = graph;
    this.mask = mask;
    this.scale = 1.0 / Math.sqrt(headDim);
  }

  @Override
  public Operand<TFloat32> attend(Operand<TFloat32> q, Operand<TFloat32> k, Operand<TFloat32> v) {
    Ops tf = graph.tf();
    Operand<TFloat32> scores =
        AttentionMask.apply(graph, graph.batchMatMul(tf.math.mul(q, graph.scalar(scale)), k, true), mask);
    return graph.batchMatMul(tf.nn.softmax(scores), v, false);
  }
}
