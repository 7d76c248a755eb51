package io.modernbert.model.config;

/**
 * The activation functions a ModernBERT config may name ({@code hidden_activation}, {@code
 * classifier_activation}).
 */
public enum Activation {
  /** Exact GELU, x * Phi(x), as transformers' "gelu". */
  GELU,
  /** GELU with the tanh approximation ("gelu_new", "gelu_pytorch_tanh", "gelu_fast"). */
  GELU_TANH,
  SILU,
  RELU;

  public static Activation fromJson(String name) {
    return switch (name) {
      case "gelu" -> GELU;
      case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
      case "silu", "swish" -> SILU;
      case "relu" -> RELU;
      default -> throw new IllegalArgumentException("unsupported activation '" + name + "'");
    };
  }
}
