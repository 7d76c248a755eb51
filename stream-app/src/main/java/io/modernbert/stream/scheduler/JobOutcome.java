package io.modernbert.stream.scheduler;

import io.modernbert.model.engine.EncodedDocument;

/**
 * What became of an {@link InferenceJob}: the engine's result, or the failure of its pass.
 *
 * @param job the job
 * @param result the engine's output for the job's document; null when the pass failed
 * @param failure why the pass failed; null on success
 * @param pass the pass that ran the job
 */
public record JobOutcome(
    InferenceJob job, EncodedDocument result, RuntimeException failure, PassSummary pass) {
  public boolean succeeded() {
    return failure == null;
  }
}
