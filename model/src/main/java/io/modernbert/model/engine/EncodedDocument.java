package io.modernbert.model.engine;

import java.util.List;

/**
 * The engine's answer for one document.
 *
 * @param tokens tokens that went through the model (after truncation)
 * @param truncated whether the document was longer than the limit
 * @param embedding the model's own pooling, normalized when the model or the caller says so
 * @param labels classifiers only (else empty): every label with its score, best first
 * @param logits classifiers only (else null)
 * @param lastHiddenState [tokens][hidden], only when asked for
 * @param windows how many windows of at most the model's length the document was read in (1 unless
 *     it was longer and read whole, see {@link Windows})
 */
public record EncodedDocument(
    String id,
    int tokens,
    boolean truncated,
    float[] embedding,
    List<LabelScore> labels,
    float[] logits,
    float[][] lastHiddenState,
    int windows) {

  /** A document read in one window. */
  public EncodedDocument(
      String id,
      int tokens,
      boolean truncated,
      float[] embedding,
      List<LabelScore> labels,
      float[] logits,
      float[][] lastHiddenState) {
    this(id, tokens, truncated, embedding, labels, logits, lastHiddenState, 1);
  }
}
