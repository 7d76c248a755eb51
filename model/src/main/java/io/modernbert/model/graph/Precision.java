package io.modernbert.model.graph;

/**
 * Compute precision of the matrix multiplications. The residual stream, LayerNorm, softmax and
 * pooling always run in float32; with BF16 the weight matrices are stored in bfloat16 and every
 * matmul takes bfloat16 inputs, which is where the time goes.
 */
public enum Precision {
  FP32,
  BF16
}
