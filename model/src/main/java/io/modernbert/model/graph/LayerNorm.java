package io.modernbert.model.graph;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** {@code torch.nn.LayerNorm} over the last axis; ModernBERT checkpoints have no bias. */
public final class LayerNorm {
  private final GraphBuilder graph;
  private final Operand<TFloat32> weight;
  private final Operand<TFloat32> bias;
  private final double eps;

  public LayerNorm(GraphBuilder graph, String name, int size, double eps, boolean bias) {
    this.graph = graph;
    this.weight = graph.vector(name + ".weight", size);
    this.bias = bias ? graph.vector(name + ".bias", size) : null;
    this.eps = eps;
  }

  /** x [..., size] -> [..., size]; biased variance, as PyTorch. */
  public Operand<TFloat32> apply(Operand<TFloat32> x) {
    Ops tf = graph.tf();
    Operand<TFloat32> centered = tf.math.sub(x, graph.meanLastAxis(x));
    Operand<TFloat32> variance = graph.meanLastAxis(tf.math.square(centered));
    Operand<TFloat32> normalized =
        tf.math.mul(centered, tf.math.rsqrt(tf.math.add(variance, graph.scalar(eps))));
    Operand<TFloat32> scaled = tf.math.mul(normalized, weight);
    return bias == null ? scaled : tf.math.add(scaled, bias);
  }
}
