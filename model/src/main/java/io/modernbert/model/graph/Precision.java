package io.modernbert.model.graph;

/**
 * Compute precision. The residual stream, LayerNorm and pooling always run in float32. With BF16
 * the weight matrices are stored in bfloat16, every matmul takes bfloat16 inputs (which is where
 * the time goes), and attention runs in bfloat16 throughout: scores, softmax and both matmuls (see
 * {@link AttentionKernel}).
 */
public enum Precision {
  FP32,
  BF16
}
