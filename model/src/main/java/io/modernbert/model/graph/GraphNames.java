package io.modernbert.model.graph;

/**
 * The names of the graph's data inputs and outputs, in one place; weights use their HF names. Every
 * forward pass has its own copy under its scope: {@code <scope>/<name>}.
 */
public final class GraphNames {
  private GraphNames() {}

  public static String scoped(String scope, String name) {
    return scope + "/" + name;
  }

  /** int32 [rows, len]: token ids; several documents per row, padding slots hold any id. */
  public static final String INPUT_IDS = "input_ids";

  /**
   * int32 [rows, len]: position of each token within its own document (RoPE restarts per document).
   */
  public static final String POSITION_IDS = "position_ids";

  /** int32 [rows, len]: index of the document each token belongs to, 0..docs-1; -1 for padding. */
  public static final String SEGMENT_IDS = "segment_ids";

  /** int32 [docs]: flat index (row * len + slot) of each document's first token. */
  public static final String CLS_INDEX = "cls_index";

  /** float [rows * len, hidden]: output of final_norm, padding slots included. */
  public static final String LAST_HIDDEN_STATE = "last_hidden_state";

  /** float [docs, hidden]. */
  public static final String POOLED_MEAN = "pooled_mean";

  /** float [docs, hidden]. */
  public static final String POOLED_CLS = "pooled_cls";

  /** float [docs, hidden]. */
  public static final String POOLED_MAX = "pooled_max";

  /**
   * float [docs, hidden]: prediction head over the config's classifier_pooling (classifiers only).
   */
  public static final String HEAD = "head_output";

  /** float [docs, labels] (classifiers only). */
  public static final String LOGITS = "logits";
}
