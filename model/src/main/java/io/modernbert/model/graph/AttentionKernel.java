package io.modernbert.model.graph;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** Scaled dot-product attention of one layer type, given rotated queries and keys. */
public interface AttentionKernel {
  /** q, k, v [rows, heads, len, d] -> context [rows, heads, len, d]. */
  Operand<TFloat32> attend(Operand<TFloat32> q, Operand<TFloat32> k, Operand<TFloat32> v);
}
