package io.modernbert.bench;

import io.modernbert.model.graph.Precision;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * The machine's matmul ceiling through TensorFlow Java: one [4096 x 768] x [768 x 2304] product
 * (ModernBERT-base's Wqkv on a full batch), repeated, in the given precision, with the benchmark's
 * thread count. The achieved FLOP/s of a workload is reported as a fraction of this.
 */
final class MatmulCeiling {
  private static final int M = 4096;
  private static final int K = 768;
  private static final int N = 2304;

  private MatmulCeiling() {}

  /** GFLOP/s of the best of {@code repeats} timed runs after one warm-up. */
  static double measure(Precision precision, int threads, int repeats) {
    Class<? extends TNumber> type = precision == Precision.BF16 ? TBfloat16.class : TFloat32.class;
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Operand<? extends TNumber> a = input(tf, "a", type, M, K);
      Operand<? extends TNumber> b = input(tf, "b", type, K, N);
      @SuppressWarnings({"unchecked", "rawtypes"})
      Operand product = tf.withName("product").linalg.matMul((Operand) a, (Operand) b);
      // Reduce on the graph side so that fetching the result costs nothing.
      tf.withName("sum")
          .reduceSum(tf.dtypes.cast(product, TFloat32.class), tf.constant(new int[] {0, 1}));
      ConfigProto config =
          ConfigProto.newBuilder()
              .setIntraOpParallelismThreads(threads)
              .setInterOpParallelismThreads(1)
              .build();
      try (Session session = new Session(graph, config);
          var left = Tensor.of(type, Shape.of(M, K));
          var right = Tensor.of(type, Shape.of(K, N))) {
        double best = Double.MAX_VALUE;
        for (int r = 0; r <= repeats; r++) {
          long start = System.nanoTime();
          session.runner().feed("a", left).feed("b", right).fetch("sum").run().close();
          double seconds = (System.nanoTime() - start) / 1e9;
          if (r > 0) {
            best = Math.min(best, seconds);
          }
        }
        return 2.0 * M * K * N / best / 1e9;
      }
    }
  }

  private static Operand<? extends TNumber> input(
      Ops tf, String name, Class<? extends TNumber> type, long... shape) {
    return tf.withName(name).placeholder(type, Placeholder.shape(Shape.of(shape)));
  }
}
