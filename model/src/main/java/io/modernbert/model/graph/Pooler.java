package io.modernbert.model.graph;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Per-document pooling of token states. Documents are segments 0..docs-1 of the flattened token
 * axis; padding slots have segment -1, which TensorFlow's unsorted segment ops drop. {@code
 * clsIndex[d]} is the flat index of document d's first token ([CLS]).
 */
public final class Pooler {
  private final Ops tf;
  private final Operand<TInt32> segments;
  private final Operand<TInt32> docs;
  private final Operand<TFloat32> tokenCounts;
  private final Operand<TInt32> clsIndex;

  /** segments [rows, len], clsIndex [docs]. */
  public Pooler(GraphBuilder graph, Operand<TInt32> segments, Operand<TInt32> clsIndex) {
    this.tf = graph.tf();
    this.segments = tf.reshape(segments, graph.ints(-1));
    this.clsIndex = clsIndex;
    // scalar number of documents, from the static-free shape of clsIndex
    this.docs = tf.reshape(tf.shape(clsIndex), tf.constant(new int[0]));
    Operand<TFloat32> ones = tf.dtypes.cast(tf.onesLike(this.segments), TFloat32.class);
    this.tokenCounts = tf.math.unsortedSegmentSum(ones, this.segments, docs); // [docs]
  }

  /** [docs] tokens per document, as float. */
  public Operand<TFloat32> tokenCounts() {
    return tokenCounts;
  }

  /** h [n, hidden] -> [docs, hidden]: mean over each document's tokens. */
  public Operand<TFloat32> mean(Operand<TFloat32> h) {
    Operand<TFloat32> sums = tf.math.unsortedSegmentSum(h, segments, docs);
    return tf.math.div(sums, tf.expandDims(tokenCounts, tf.constant(-1)));
  }

  /** h [n, hidden] -> [docs, hidden]: each document's first token. */
  public Operand<TFloat32> cls(Operand<TFloat32> h) {
    return tf.gather(h, clsIndex, tf.constant(0));
  }

  /** h [n, hidden] -> [docs, hidden]: element-wise max over each document's tokens. */
  public Operand<TFloat32> max(Operand<TFloat32> h) {
    return tf.math.unsortedSegmentMax(h, segments, docs);
  }
}
