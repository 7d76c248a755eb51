package io.modernbert.stream.scheduler;

import java.util.Comparator;

/**
 * A job in the scheduler's queue. Interactive jobs first, then by deadline, then arrival: a caller
 * holding a request open never waits behind a stream backlog (under a burst the queued stream
 * documents' deadlines have all passed, so by deadline alone a request queued behind all of them:
 * POST /embed during a Kafka burst of 4,000 documents answered in 2 to 3 s), and earliest deadline
 * first keeps every stream document's wait bounded.
 */
record QueuedJob(InferenceJob job, long sequence, long queuedAtNanos, long deadlineNanos) {
  static final Comparator<QueuedJob> BY_DEADLINE =
      Comparator.comparingInt((QueuedJob queued) -> queued.job().priority().ordinal())
          .thenComparingLong(QueuedJob::deadlineNanos)
          .thenComparingLong(QueuedJob::sequence);

  int tokens() {
    return job.tokens();
  }
}
