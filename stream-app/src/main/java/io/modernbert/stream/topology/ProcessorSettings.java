package io.modernbert.stream.topology;

import java.time.Duration;
import java.util.List;

/**
 * What the document processor needs besides the scheduler, and the topology's node names.
 *
 * @param modelName the model's name on every output
 * @param forwardInterval how often (wall clock) a task forwards the results the scheduler finished
 * @param sourceTopic the input topic (on dead letters)
 * @param application the application id (on dead letters)
 * @param windowOverlap with documents over the model's limit read whole: content tokens consecutive
 *     windows share; negative: such documents are truncated
 * @param copiedHeaders input headers copied to the outputs
 */
record ProcessorSettings(
    String modelName,
    Duration forwardInterval,
    String sourceTopic,
    String application,
    int windowOverlap,
    List<String> copiedHeaders) {
  boolean windowed() {
    return windowOverlap >= 0;
  }

  static final String STORE = "pending-documents";
  static final String SOURCE = "documents-source";
  static final String PROCESSOR = "documents-processor";
  static final String EMBEDDINGS_SINK = "embeddings-sink";
  static final String LABELS_SINK = "labels-sink";
  static final String DEAD_LETTERS_SINK = "dead-letters-sink";

  /** Short: a finished result waits at most this long before it is forwarded (then committed). */
  static final Duration DEFAULT_FORWARD_INTERVAL = Duration.ofMillis(5);
}
