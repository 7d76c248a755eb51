package io.modernbert.model.graph;

import org.tensorflow.Operand;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

/** {@code torch.nn.Linear}: y = x W^T (+ b), with W stored [out, in] as in the checkpoint. */
public final class Linear {
  private final Operand<TFloat32> weight;
  private final Operand<TFloat32> bias;
  private final GraphBuilder graph;

  public Linear(GraphBuilder graph, String name, int in, int out, boolean bias) {
    this.graph = graph;
    this.weight = graph.weight(name + ".weight", out, in);
    this.bias = bias ? graph.weight(name + ".bias", out) : null;
  }

  /** x [n, in] -> [n, out]. */
  public Operand<TFloat32> apply(Operand<TFloat32> x) {
    Operand<TFloat32> y = graph.tf().linalg.matMul(x, weight, MatMul.transposeB(true));
    return bias == null ? y : graph.tf().math.add(y, bias);
  }
}
