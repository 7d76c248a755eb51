package io.modernbert.model.graph;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Additive attention biases for the tokens of one forward pass: 0 where a query may look at a key,
 * a large negative number elsewhere. A token sees only tokens of its own document (segment); on
 * sliding-window layers also only those at most {@code window / 2} positions away, as transformers'
 * {@code |i - j| <= local_attention // 2}.
 */
public final class AttentionMask {
  /** Far below any real score, yet finite so that exp() gives exactly 0 and never NaN. */
  static final float MASKED = -1e30f;

  private AttentionMask() {}

  /** [n, n] bias for global layers. */
  public static Operand<TFloat32> global(GraphBuilder graph, Operand<TInt32> segments) {
    return toBias(graph, sameSegment(graph, segments));
  }

  /** [n, n] bias for sliding-window layers. */
  public static Operand<TFloat32> sliding(
      GraphBuilder graph, Operand<TInt32> segments, Operand<TInt32> positions, int window) {
    Ops tf = graph.tf();
    Operand<TInt32> distance = tf.math.abs(tf.math.sub(column(tf, positions), row(tf, positions)));
    Operand<TBool> near = tf.math.lessEqual(distance, tf.constant(window / 2));
    return toBias(graph, tf.math.logicalAnd(sameSegment(graph, segments), near));
  }

  private static Operand<TBool> sameSegment(GraphBuilder graph, Operand<TInt32> segments) {
    Ops tf = graph.tf();
    return tf.math.equal(column(tf, segments), row(tf, segments));
  }

  private static Operand<TFloat32> toBias(GraphBuilder graph, Operand<TBool> allowed) {
    Ops tf = graph.tf();
    Operand<TFloat32> zeros = tf.zerosLike(tf.dtypes.cast(allowed, TFloat32.class));
    return tf.select(allowed, zeros, tf.math.add(zeros, graph.scalar(MASKED)));
  }

  private static Operand<TInt32> column(Ops tf, Operand<TInt32> v) {
    return tf.expandDims(v, tf.constant(1)); // [n, 1]
  }

  private static Operand<TInt32> row(Ops tf, Operand<TInt32> v) {
    return tf.expandDims(v, tf.constant(0)); // [1, n]
  }
}
