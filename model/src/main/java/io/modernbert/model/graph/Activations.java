package io.modernbert.model.graph;

import io.modernbert.model.config.Activation;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The element-wise activations of {@link Activation}, with transformers' exact formulas. */
final class Activations {
  private Activations() {}

  static Operand<TFloat32> apply(GraphBuilder graph, Activation activation, Operand<TFloat32> x) {
    Ops tf = graph.tf();
    return switch (activation) {
      // 0.5 x (1 + erf(x / sqrt 2))
      case GELU ->
          tf.math.mul(
              tf.math.mul(graph.scalar(0.5), x),
              tf.math.add(
                  graph.scalar(1.0),
                  tf.math.erf(tf.math.mul(x, graph.scalar(1.0 / Math.sqrt(2.0))))));
      // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
      case GELU_TANH -> {
        Operand<TFloat32> cube = tf.math.mul(tf.math.square(x), x);
        Operand<TFloat32> inner =
            tf.math.mul(
                graph.scalar(Math.sqrt(2.0 / Math.PI)),
                tf.math.add(x, tf.math.mul(graph.scalar(0.044715), cube)));
        yield tf.math.mul(
            tf.math.mul(graph.scalar(0.5), x), tf.math.add(graph.scalar(1.0), tf.math.tanh(inner)));
      }
      case SILU -> tf.math.mul(x, tf.math.sigmoid(x));
      case RELU -> tf.nn.relu(x);
    };
  }
}
