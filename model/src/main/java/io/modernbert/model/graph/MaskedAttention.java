package io.modernbert.model.graph;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.family.TNumber;

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
  public <T extends TNumber> Operand<T> attend(Operand<T> q, Operand<T> k, Operand<T> v) {
    Ops tf = graph.tf();
    Operand<T> scores =
        AttentionMask.apply(
            graph, graph.batchMatMul(tf.math.mul(q, graph.scalarLike(q, scale)), k, true), mask);
    return graph.batchMatMul(tf.nn.softmax(scores), v, false);
  }
}
