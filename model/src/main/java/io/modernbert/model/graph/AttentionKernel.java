package io.modernbert.model.graph;

import org.tensorflow.Operand;
import org.tensorflow.types.family.TNumber;

/**
 * Scaled dot-product attention of one layer type, given rotated queries and keys, in the compute
 * precision: float32, or bfloat16 in BF16 mode, where scores, softmax and both matmuls run in
 * bfloat16 (oneDNN; 1.5x faster than float32 on AVX-512 BF16).
 */
public interface AttentionKernel {
  /** q, k, v [rows, heads, len, d] -> context [rows, heads, len, d], all of one type. */
  <T extends TNumber> Operand<T> attend(Operand<T> q, Operand<T> k, Operand<T> v);
}
