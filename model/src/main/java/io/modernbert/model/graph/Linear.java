package io.modernbert.model.graph;

import org.tensorflow.Operand;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * {@code torch.nn.Linear}: y = x W^T (+ b), with W stored [out, in] as in the checkpoint. The
 * matmul runs in the compute precision; input and output are float32.
 */
public final class Linear {
  private final Operand<? extends TNumber> weight;
  private final Operand<TFloat32> bias;
  private final GraphBuilder graph;

  public Linear(GraphBuilder graph, String name, int in, int out, boolean bias) {
    this.graph = graph;
    this.weight = graph.matrix(name + ".weight", out, in);
    this.bias = bias ? graph.vector(name + ".bias", out) : null;
  }

  /** x [n, in], float32 or already in the compute precision -> [n, out] float32. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Operand<TFloat32> apply(Operand<? extends TNumber> x) {
    Operand y =
        graph
            .tf()
            .linalg
            .matMul((Operand) graph.toCompute(x), (Operand) weight, MatMul.transposeB(true));
    Operand<TFloat32> result = graph.toFloat(y);
    return bias == null ? result : graph.tf().math.add(result, bias);
  }
}
