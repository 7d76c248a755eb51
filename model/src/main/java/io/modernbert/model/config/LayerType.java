package io.modernbert.model.config;

/** Attention span of one encoder layer, spelled as in transformers-5 {@code layer_types}. */
public enum LayerType {
  /** Every token attends to every token of its own document. */
  FULL_ATTENTION("full_attention"),
  /** A token attends to tokens at most {@code local_attention / 2} positions away. */
  SLIDING_ATTENTION("sliding_attention");

  private final String jsonName;

  LayerType(String jsonName) {
    this.jsonName = jsonName;
  }

  public String jsonName() {
    return jsonName;
  }

  public static LayerType fromJson(String name) {
    for (LayerType type : values()) {
      if (type.jsonName.equals(name)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "unknown layer type '" + name + "' (expected full_attention or sliding_attention)");
  }
}
