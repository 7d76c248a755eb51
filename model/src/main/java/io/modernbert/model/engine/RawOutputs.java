package io.modernbert.model.engine;

/**
 * What one forward pass computed for one document, before pooling choices and label scoring.
 *
 * @param lastHiddenState [tokens][hidden] output of final_norm, or null when not fetched
 * @param mean [hidden] mean of the token states
 * @param cls [hidden] state of the first token
 * @param max [hidden] element-wise max of the token states
 * @param head [hidden] prediction head over classifier_pooling (classifiers only, else null)
 * @param logits [labels] (classifiers only, else null)
 */
public record RawOutputs(
    float[][] lastHiddenState,
    float[] mean,
    float[] cls,
    float[] max,
    float[] head,
    float[] logits) {}
