package io.modernbert.model.graph;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Additive attention biases: 0 where a query may look at a key, a large negative number elsewhere.
 * A token sees only tokens of its own document (same segment id in the same row); on
 * sliding-window layers also only those at most {@code window / 2} positions away, as
 * transformers' {@code |i - j| <= local_attention // 2}. Padding slots carry segment -1: they see
 * each other, never a document, so every softmax row has at least one key and no NaN appears.
 */
public final class AttentionMask {
  /** Far below any real score, yet finite so that exp() gives exactly 0 and never NaN. */
  static final float MASKED = -1e30f;
  /** Segment of the slots added around a row to form the key bands: matches nothing. */
  private static final int OUTSIDE_ROW = -2;

  private AttentionMask() {}

  /** segments [rows, len] -> [rows, 1, len, len] bias for full attention within documents. */
  public static Operand<TFloat32> full(GraphBuilder graph, Operand<TInt32> segments) {
    Ops tf = graph.tf();
    Operand<TBool> same = tf.math.equal(tf.expandDims(segments, tf.constant(2)), tf.expandDims(segments, tf.constant(1)));
    return tf.expandDims(toBias(graph, same), tf.constant(1));
  }

  /**
   * The sliding-window bias as a full [rows, 1, len, len] matrix: the reference formulation, used by
   * the unpacked graph that tests compare the banded kernel against.
   */
  public static Operand<TFloat32> slidingFull(
      GraphBuilder graph, Operand<TInt32> segments, Operand<TInt32> positions, int window) {
    Ops tf = graph.tf();
    Operand<TBool> same = tf.math.equal(tf.expandDims(segments, tf.constant(2)), tf.expandDims(segments, tf.constant(1)));
    Operand<TInt32> distance =
        tf.math.abs(tf.math.sub(tf.expandDims(positions, tf.constant(2)), tf.expandDims(positions, tf.constant(1))));
    Operand<TBool> near = tf.math.lessEqual(distance, tf.constant(window / 2));
    return tf.expandDims(toBias(graph, tf.math.logicalAnd(same, near)), tf.constant(1));
  }

  /**
   * The sliding-window bias for {@link BandedAttention}: segments [rows, len] -> [rows, 1, blocks,
   * block, 3 * block], where query block b sees key blocks b-1, b and b+1. Within a row the
   * tokens of one document are contiguous, so slot distance equals position distance.
   */
  public static Operand<TFloat32> banded(GraphBuilder graph, Operand<TInt32> segments, int rows, int length, int block) {
    Ops tf = graph.tf();
    int blocks = length / block;
    Operand<TInt32> padded =
        tf.pad(segments, tf.constant(new int[][] {{0, 0}, {block, block}}), tf.constant(OUTSIDE_ROW));
    // [rows, blocks, 3B]
    Operand<TInt32> keySegments = BandedAttention.bands(graph, padded, new long[] {rows, length + 2L * block}, 1, block);
    Operand<TInt32> querySegments = tf.reshape(segments, graph.ints(rows, blocks, block)); // [rows, blocks, B]
    Operand<TBool> same =
        tf.math.equal(tf.expandDims(querySegments, tf.constant(-1)), tf.expandDims(keySegments, tf.constant(2)));
    // static [B, 3B]: key slot j of the band is (j - B) - i slots from query slot i
    boolean[][] near = new boolean[block][3 * block];
    for (int i = 0; i < block; i++) {
      for (int j = 0; j < 3 * block; j++) {
        near[i][j] = Math.abs(j - block - i) <= block;
      }
    }
    Operand<TBool> allowed = tf.math.logicalAnd(same, tf.constant(near));
    return tf.expandDims(toBias(graph, allowed), tf.constant(1));
  }

  private static Operand<TFloat32> toBias(GraphBuilder graph, Operand<TBool> allowed) {
    Ops tf = graph.tf();
    Operand<TFloat32> zeros = tf.zerosLike(tf.dtypes.cast(allowed, TFloat32.class));
    return tf.select(allowed, zeros, tf.math.add(zeros, graph.scalar(MASKED)));
  }
}
