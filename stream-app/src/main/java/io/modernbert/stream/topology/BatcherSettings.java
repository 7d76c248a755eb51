package io.modernbert.stream.topology;

import java.time.Duration;

/**
 * What the batcher needs to know besides the engine.
 *
 * @param maxWait longest a document waits for its batch (wall clock)
 * @param batchTokens token budget of a batch (8,192)
 * @param modelName the model's name on every output
 */
record BatcherSettings(Duration maxWait, int batchTokens, String modelName) {
  static final String STORE = "pending-documents";
  static final String SOURCE = "documents-source";
  static final String BATCHER = "batcher";
  static final String EMBEDDINGS_SINK = "embeddings-sink";
  static final String LABELS_SINK = "labels-sink";
}
