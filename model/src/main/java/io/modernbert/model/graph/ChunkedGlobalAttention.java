package io.modernbert.model.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * Global attention within each document of a packed row, computed in query chunks.
 *
 * <p>A whole [heads, 8192, 8192] score matrix is 3.2 GB in float32; chunks of queries bound it.
 * Each chunk's [rows, 1, chunk, len] mask is built once per pass and shared by all global layers;
 * each chunk runs after the previous one finished (a control dependency), so only one chunk's
 * scores are alive at a time.
 */
public final class ChunkedGlobalAttention implements AttentionKernel {
  /** Upper bound for one chunk's float32 score matrix. */
  static final long CHUNK_SCORE_BYTES = 256L << 20;

  private final GraphBuilder graph;
  private final List<Operand<TBool>> masks = new ArrayList<>();
  private final int chunks;
  private final double scale;

  /** segments [rows, len], static rows and len. */
  public ChunkedGlobalAttention(
      GraphBuilder graph, Operand<TInt32> segments, int rows, int length, int heads, int headDim) {
    this.graph = graph;
    this.scale = 1.0 / Math.sqrt(headDim);
    this.chunks = chunkCount(rows, length, heads);
    Ops tf = graph.tf();
    var querySegments =
        tf.split(tf.constant(1), segments, (long) chunks).output(); // chunks x [rows, C]
    for (Operand<TInt32> chunk : querySegments) {
      masks.add(AttentionMask.sameSegment(tf, chunk, segments)); // [rows, 1, C, len]
    }
  }

  /**
   * The smallest power-of-two number of query chunks that keeps one chunk's scores under the bound.
   */
  static int chunkCount(int rows, int length, int heads) {
    int chunks = 1;
    while ((long) rows * heads * (length / chunks) * length * Float.BYTES > CHUNK_SCORE_BYTES
        && length / chunks > 1
        && length % (chunks * 2) == 0) {
      chunks *= 2;
    }
    return chunks;
  }

  @Override
  public <T extends TNumber> Operand<T> attend(Operand<T> q, Operand<T> k, Operand<T> v) {
    Ops tf = graph.tf();
    Operand<T> scaled = tf.math.mul(q, graph.scalarLike(q, scale));
    if (chunks == 1) {
      return attendChunk(graph, scaled, masks.get(0), k, v);
    }
    var queryChunks =
        tf.split(tf.constant(2), scaled, (long) chunks).output(); // chunks x [rows, heads, C, d]
    List<Operand<T>> outputs = new ArrayList<>(chunks);
    GraphBuilder scoped = graph;
    for (int c = 0; c < chunks; c++) {
      Operand<T> out = attendChunk(scoped, queryChunks.get(c), masks.get(c), k, v);
      outputs.add(out);
      scoped = graph.withOps(tf.withControlDependencyOps(List.of(out.op())));
    }
    return tf.concat(outputs, tf.constant(2));
  }

  /** q [rows, heads, C, d] (already scaled), mask [rows, 1, C, len] -> [rows, heads, C, d]. */
  private static <T extends TNumber> Operand<T> attendChunk(
      GraphBuilder scoped, Operand<T> q, Operand<TBool> mask, Operand<T> k, Operand<T> v) {
    Operand<T> scores = AttentionMask.apply(scoped, scoped.batchMatMul(q, k, true), mask);
    return scoped.batchMatMul(scoped.tf().nn.softmax(scores), v, false);
  }
}
