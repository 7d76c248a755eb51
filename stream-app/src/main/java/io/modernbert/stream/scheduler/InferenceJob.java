package io.modernbert.stream.scheduler;

import java.util.function.Consumer;

/**
 * One document handed to the {@link BatchScheduler}: its token ids ([CLS] ... [SEP], already
 * truncated to the model's limit), who submitted it, and where its outcome goes.
 *
 * @param id the document id (logs and errors only)
 * @param tokenIds the ids the model runs on
 * @param priority HTTP requests are due at once; stream documents may wait up to max-wait for a
 *     better-filled pass
 * @param owner the submitter (a stream task's processor, an HTTP request); {@link
 *     BatchScheduler#cancel} drops every queued job of an owner
 * @param sink receives the outcome exactly once, on the scheduler's thread: keep it short (hand the
 *     outcome to a queue or complete a future)
 * @param hiddenStates the result must carry every token's last hidden state ({@code /embed_all})
 */
public record InferenceJob(
    String id,
    int[] tokenIds,
    Priority priority,
    Object owner,
    Consumer<JobOutcome> sink,
    boolean hiddenStates) {

  /** A job whose result needs no hidden states. */
  public InferenceJob(
      String id, int[] tokenIds, Priority priority, Object owner, Consumer<JobOutcome> sink) {
    this(id, tokenIds, priority, owner, sink, false);
  }

  /** How soon a job must run. */
  public enum Priority {
    /** A caller holds a request open: due as soon as it is queued. */
    INTERACTIVE,
    /** A document from the input topic: due after max-wait. */
    STREAM
  }

  public InferenceJob {
    if (tokenIds.length == 0) {
      throw new IllegalArgumentException("document " + id + " has no tokens");
    }
  }

  public int tokens() {
    return tokenIds.length;
  }
}
