package io.modernbert.stream.scheduler;

import io.modernbert.model.engine.InferenceEngine;
import java.util.Locale;

/**
 * An engine lane: a thread of the {@link BatchScheduler} that runs passes back to back. Two lanes
 * split the work by size so that no short document waits for a long pass that started before it.
 *
 * <p>Measured on the default model with a realistic length mix (README, "Latency"): with one lane,
 * a short document that arrives while a 4,096-token document runs waits for it (up to 0.8 s), and
 * so p99 at 20 documents/s was 433 ms; the short lane keeps such documents on the serving shapes'
 * session, beside the long pass.
 */
enum Lane {
  /**
   * Documents of up to {@link InferenceEngine#SERVING_SLOTS} tokens, in passes of at most that many
   * slots: the serving shapes, warmed before the service is ready, on their own TensorFlow session.
   * HTTP requests and short stream documents run here, at most one short pass behind.
   */
  SHORT,
  /**
   * Everything: long documents (with short ones filling their rows' gaps) and, in a backlog, full
   * passes of short ones. With two lanes it leaves short work to the short lane unless that lane is
   * busy; with one lane it is the only lane and takes everything.
   */
  LONG;

  String threadName() {
    return "modernbert-lane-" + name().toLowerCase(Locale.ROOT);
  }
}
