package io.modernbert.stream.scheduler;

import java.util.Comparator;

/**
 * A job in the scheduler's queue. Ordered by deadline, then arrival: earliest deadline first keeps
 * every document's wait bounded while HTTP requests (due at once) go ahead of stream documents.
 */
record QueuedJob(InferenceJob job, long sequence, long queuedAtNanos, long deadlineNanos) {
  static final Comparator<QueuedJob> BY_DEADLINE =
      Comparator.comparingLong(QueuedJob::deadlineNanos).thenComparingLong(QueuedJob::sequence);

  int tokens() {
    return job.tokens();
  }
}
