package io.modernbert.model.graph;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * Attention masks: true where a query may look at a key. Kernels replace masked scores by {@link
 * #MASKED} with one broadcasting select. A token sees only tokens of its own document (same segment
 * id in the same row); on sliding-window layers also only those at most {@code window / 2}
 * positions away, as transformers' {@code |i - j| <= local_attention // 2}. Padding slots carry
 * segment -1: they see each other, never a document, so every softmax row has at least one key and
 * no NaN appears.
 */
public final class AttentionMask {
  /** Far below any real score, yet finite so that exp() gives exactly 0 and never NaN. */
  static final float MASKED = -1e30f;

  /**
   * The name scope of the select that applies a mask to scores, so that the engine can tell it from
   * the rest of the layer when it chooses what XLA compiles.
   */
  public static final String SCORE_MASK_SCOPE = "score_mask";

  /** Segment of the slots added around a row to form the key bands: matches nothing. */
  private static final int OUTSIDE_ROW = -2;

  private AttentionMask() {}

  /** segments [rows, len] -> [rows, 1, len, len] mask for full attention within documents. */
  public static Operand<TBool> full(GraphBuilder graph, Operand<TInt32> segments) {
    return sameSegment(graph.tf(), segments, segments);
  }

  /** querySegments [rows, q], keySegments [rows, k] -> [rows, 1, q, k]: same document. */
  public static Operand<TBool> sameSegment(
      Ops tf, Operand<TInt32> querySegments, Operand<TInt32> keySegments) {
    Operand<TBool> same =
        tf.math.equal(
            tf.expandDims(querySegments, tf.constant(2)),
            tf.expandDims(keySegments, tf.constant(1)));
    return tf.expandDims(same, tf.constant(1));
  }

  /** scores [..., q, k] with masked entries replaced by {@link #MASKED}; mask broadcasts. */
  public static <T extends TNumber> Operand<T> apply(
      GraphBuilder graph, Operand<T> scores, Operand<TBool> mask) {
    // The select needs no control dependency of its own: it waits for the scores anyway.
    GraphBuilder masking = graph.inNameScope(SCORE_MASK_SCOPE);
    return masking.tf().select(mask, scores, masking.scalarLike(scores, MASKED));
  }

  /**
   * The sliding-window mask as a full [rows, 1, len, len] matrix: the reference formulation, used
   * by the unpacked graph that tests compare the banded kernel against.
   */
  public static Operand<TBool> slidingFull(
      GraphBuilder graph, Operand<TInt32> segments, Operand<TInt32> positions, int window) {
    Ops tf = graph.tf();
    Operand<TBool> same =
        tf.math.equal(
            tf.expandDims(segments, tf.constant(2)), tf.expandDims(segments, tf.constant(1)));
    Operand<TInt32> distance =
        tf.math.abs(
            tf.math.sub(
                tf.expandDims(positions, tf.constant(2)),
                tf.expandDims(positions, tf.constant(1))));
    Operand<TBool> near = tf.math.lessEqual(distance, tf.constant(window / 2));
    return tf.expandDims(tf.math.logicalAnd(same, near), tf.constant(1));
  }

  /**
   * The sliding-window mask for {@link BandedAttention}: segments [rows, len] -> [rows, 1, blocks,
   * block, 3 * block], where query block b sees key blocks b-1, b and b+1. Within a row the tokens
   * of one document are contiguous, so slot distance equals position distance.
   */
  public static Operand<TBool> banded(
      GraphBuilder graph, Operand<TInt32> segments, int rows, int length, int block) {
    Ops tf = graph.tf();
    int blocks = length / block;
    Operand<TInt32> padded =
        tf.pad(
            segments, tf.constant(new int[][] {{0, 0}, {block, block}}), tf.constant(OUTSIDE_ROW));
    // [rows, blocks, 3B]
    Operand<TInt32> keySegments =
        BandedAttention.bands(graph, padded, new long[] {rows, length + 2L * block}, 1, block);
    Operand<TInt32> querySegments =
        tf.reshape(segments, graph.ints(rows, blocks, block)); // [rows, blocks, B]
    Operand<TBool> same =
        tf.math.equal(
            tf.expandDims(querySegments, tf.constant(-1)),
            tf.expandDims(keySegments, tf.constant(2)));
    // static [B, 3B]: key slot j of the band is (j - B) - i slots from query slot i
    boolean[][] near = new boolean[block][3 * block];
    for (int i = 0; i < block; i++) {
      for (int j = 0; j < 3 * block; j++) {
        near[i][j] = Math.abs(j - block - i) <= block;
      }
    }
    Operand<TBool> allowed = tf.math.logicalAnd(same, tf.constant(near));
    return tf.expandDims(allowed, tf.constant(1));
  }
}
