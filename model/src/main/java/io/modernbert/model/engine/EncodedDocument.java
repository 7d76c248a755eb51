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
 */
public record EncodedDocument(
    String id,
    int tokens,
    boolean truncated,
    float[] embedding,
    List<LabelScore> labels,
    float[] logits,
    float[][] lastHiddenState) {}
