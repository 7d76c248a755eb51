package io.modernbert.model.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * Sliding-window attention that computes only the band. The row is cut into blocks of {@code B =
 * window / 2} queries; block b attends to key blocks b-1, b and b+1 (3B keys), which hold every key
 * within B positions of every query in the block. Per token that is 3B scores instead of len.
 *
 * <p>The ops that copy the key and value bands are built under the name scope {@value
 * #BAND_COPY_SCOPE}, so that the engine can tell them from the rest of the layer when it chooses
 * what XLA compiles.
 */
public final class BandedAttention implements AttentionKernel {
  /** The name scope of the band copies (padding, three slices, their reshapes, the concat). */
  public static final String BAND_COPY_SCOPE = "band_copy";

  private final GraphBuilder graph;
  private final Operand<TBool> mask;
  private final int rows;
  private final int length;
  private final int heads;
  private final int headDim;
  private final int block;
  private final double scale;

  /** mask [rows, 1, len / B, B, 3B] from {@link AttentionMask#banded}. */
  public BandedAttention(
      GraphBuilder graph,
      Operand<TBool> mask,
      int rows,
      int length,
      int heads,
      int headDim,
      int block) {
    if (length % block != 0) {
      throw new IllegalArgumentException(
          "row length " + length + " is not a multiple of the block " + block);
    }
    this.graph = graph;
    this.mask = mask;
    this.rows = rows;
    this.length = length;
    this.heads = heads;
    this.headDim = headDim;
    this.block = block;
    this.scale = 1.0 / Math.sqrt(headDim);
  }

  @Override
  public <T extends TNumber> Operand<T> attend(Operand<T> q, Operand<T> k, Operand<T> v) {
    Ops tf = graph.tf();
    int blocks = length / block;
    long[] shape = {rows, heads, length + 2L * block, headDim};
    int[][] padTime = {{0, 0}, {0, 0}, {block, block}, {0, 0}};
    Operand<T> queries = tf.reshape(q, graph.ints(rows, heads, blocks, block, headDim));
    GraphBuilder copying = graph.inNameScope(BAND_COPY_SCOPE);
    Ops copy = copying.tf();
    Operand<T> keys =
        bands(
            copying,
            copy.pad(k, copy.constant(padTime), copying.scalarLike(k, 0)),
            shape,
            2,
            block);
    Operand<T> values =
        bands(
            copying,
            copy.pad(v, copy.constant(padTime), copying.scalarLike(v, 0)),
            shape,
            2,
            block);
    // [rows, heads, blocks, B, 3B]
    Operand<T> scores =
        AttentionMask.apply(
            graph,
            graph.batchMatMul(tf.math.mul(queries, graph.scalarLike(queries, scale)), keys, true),
            mask);
    // [rows, heads, blocks, B, d] -> [rows, heads, len, d]
    Operand<T> context = graph.batchMatMul(tf.nn.softmax(scores), values, false);
    return tf.reshape(context, graph.ints(rows, heads, length, headDim));
  }

  /**
   * x with the time axis padded by B on both sides, static shape {@code paddedShape} -> the three
   * overlapping views per block: the time axis (len + 2B) becomes [len / B, 3B].
   */
  static <T extends TType> Operand<T> bands(
      GraphBuilder graph, Operand<T> x, long[] paddedShape, int timeAxis, int block) {
    Ops tf = graph.tf();
    int length = (int) paddedShape[timeAxis] - 2 * block;
    int blocks = length / block;
    int rank = paddedShape.length;
    List<Operand<T>> parts = new ArrayList<>(3);
    for (int shift = 0; shift < 3; shift++) {
      int[] begin = new int[rank];
      int[] size = new int[rank];
      for (int axis = 0; axis < rank; axis++) {
        size[axis] = axis == timeAxis ? length : (int) paddedShape[axis];
      }
      begin[timeAxis] = shift * block;
      Operand<T> slice = tf.slice(x, tf.constant(begin), tf.constant(size));
      int[] split = new int[rank + 1];
      for (int axis = 0, out = 0; axis < rank; axis++) {
        if (axis == timeAxis) {
          split[out++] = blocks;
          split[out++] = block;
        } else {
          split[out++] = (int) paddedShape[axis];
        }
      }
      parts.add(tf.reshape(slice, tf.constant(split)));
    }
    return tf.concat(parts, tf.constant(timeAxis + 1));
  }
}
