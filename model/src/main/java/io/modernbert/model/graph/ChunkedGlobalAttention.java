package io.modernbert.model.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Global attention within each document of a packed row, computed in query chunks.
 *
 * <p>A whole [heads, 8192, 8192] score matrix is 3.2 GB in float32; chunks of queries bound it.
 * Each chunk builds its own [rows, 1, chunk, len] mask from the segment ids and runs after the
 * previous chunk finished (a control dependency), so only one chunk's scores are alive at a time.
 */
public final class ChunkedGlobalAttention implements AttentionKernel {
  /** Upper bound for one chunk's float32 score matrix. */
  static final long CHUNK_SCORE_BYTES = 256L << 20;

  private final GraphBuilder graph;
  private final Operand<TInt32> segments;
  private final int rows;
  private final int length;
  private final int chunks;
  private final double scale;

  /** segments [rows, len], static rows and len. */
  public ChunkedGlobalAttention(
      GraphBuilder graph, Operand<TInt32> segments, int rows, int length, int heads, int headDim) {
    this.graph = graph;
    this.segments = segments;
    this.rows = rows;
    this.length = length;
    this.scale = 1.0 / Math.sqrt(headDim);
    this.chunks = chunkCount(rows, length, heads);
  }

  /** The smallest power-of-two number of query chunks that keeps one chunk's scores under the bound. */
  static int chunkCount(int rows, int length, int heads) {
    int chunks = 1;
    while ((long) rows * heads * (length / chunks) * length * Float.BYTES > CHUNK_SCORE_BYTES
        && length / chunks > 1 && length % (chunks * 2) == 0) {
      chunks *= 2;
    }
    return chunks;
  }

  @Override
  public Operand<TFloat32> attend(Operand<TFloat32> q, Operand<TFloat32> k, Operand<TFloat32> v) {
    Ops tf = graph.tf();
    if (chunks == 1) {
      return attendChunk(tf, q, segments, k, v);
    }
    var queryChunks = tf.split(tf.constant(2), q, (long) chunks).output(); // chunks x [rows, heads, C, d]
    var segmentChunks = tf.split(tf.constant(1), segments, (long) chunks).output(); // chunks x [rows, C]
    List<Operand<TFloat32>> outputs = new ArrayList<>(chunks);
    Ops scoped = tf;
    for (int c = 0; c < chunks; c++) {
      Operand<TFloat32> out = attendChunk(scoped, queryChunks.get(c), segmentChunks.get(c), k, v);
      outputs.add(out);
      scoped = tf.withControlDependencyOps(List.of(out.op()));
    }
    return tf.concat(outputs, tf.constant(2));
  }

  /** q [rows, heads, C, d], querySegments [rows, C] -> [rows, heads, C, d]. */
  private Operand<TFloat32> attendChunk(
      Ops tf, Operand<TFloat32> q, Operand<TInt32> querySegments, Operand<TFloat32> k, Operand<TFloat32> v) {
    GraphBuilder scoped = graph.withOps(tf);
    Operand<TBool> same =
        tf.math.equal(tf.expandDims(querySegments, tf.constant(2)), tf.expandDims(segments, tf.constant(1)));
    Operand<TFloat32> zeros = tf.zerosLike(tf.dtypes.cast(same, TFloat32.class));
    Operand<TFloat32> bias =
        tf.expandDims(tf.select(same, zeros, tf.math.add(zeros, graph.scalar(AttentionMask.MASKED))), tf.constant(1));
    Operand<TFloat32> scores = tf.math.add(tf.math.mul(scoped.batchMatMul(q, k, true), graph.scalar(scale)), bias);
    return scoped.batchMatMul(tf.nn.softmax(scores), v, false);
  }

  int chunks() {
    return chunks;
  }

  int rows() {
    return rows;
  }

  int length() {
    return length;
  }
}
