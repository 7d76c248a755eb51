package io.modernbert.model.engine;

/** How much of each forward pass XLA compiles (once per batch shape, on its first run). */
public enum XlaMode {
  /**
   * The default: {@link #ELEMENTWISE} for models of hidden size {@value #ELEMENTWISE_MIN_HIDDEN} or
   * more, {@link #OFF} for smaller ones. Measured on this CPU (README, "XLA"): on ModernBERT-base
   * (768) fusing is 4% faster in fp32 and 13% in bf16; on the 128-wide default langid model it is
   * 11% slower, and its warm-up takes 35 s instead of 8 s.
   */
  AUTO,
  /** TensorFlow's own kernels only. */
  OFF,
  /**
   * XLA fuses the element-wise ops between the matmuls (casts, LayerNorm, RoPE, masks, GeGLU,
   * residuals) into a few loops; matmuls and softmax stay on TensorFlow's oneDNN kernels.
   */
  ELEMENTWISE,
  /**
   * XLA auto-clusters the whole graph, matmuls included (TensorFlow's global JIT). The usual choice
   * on GPU (untested here); on CPU slower, and it needs {@code
   * TF_XLA_FLAGS=--tf_xla_cpu_global_jit} in the environment before the JVM starts.
   */
  FULL;

  /** Hidden size from which {@link #AUTO} fuses. */
  public static final int ELEMENTWISE_MIN_HIDDEN = 512;

  /**
   * The mode an engine for a model of {@code hiddenSize} runs in: AUTO resolved, others as they
   * are.
   */
  public XlaMode resolve(int hiddenSize) {
    if (this != AUTO) {
      return this;
    }
    return hiddenSize >= ELEMENTWISE_MIN_HIDDEN ? ELEMENTWISE : OFF;
  }
}
