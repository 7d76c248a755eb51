package io.modernbert.stream.scheduler;

import java.time.Duration;

/**
 * How the {@link BatchScheduler} fills passes.
 *
 * @param passTokens most tokens in one pass (the engine's batch budget, 8,192)
 * @param poolTokens how many queued tokens, earliest deadline first, the planner looks at to choose
 *     a pass: more than one pass's worth lets it pick documents that pack well together
 * @param queueTokens bound of the queue: stream threads block and HTTP answers 429 beyond it. Kept
 *     to a few passes: input offsets commit when a document is queued, so work in the queue is
 *     invisible to consumer lag (what autoscalers read) and is redone after a crash
 * @param maxWait the longest a stream document is passed over for better-filled passes; never a
 *     delay: an idle model runs what is queued at once
 * @param lanes engine lanes: 2 (the default) runs short documents beside long passes ({@link
 *     Lane}); 1 runs every pass on one thread, one after the other
 */
public record SchedulerSettings(
    int passTokens, int poolTokens, long queueTokens, Duration maxWait, int lanes) {
  public static final int DEFAULT_POOL_PASSES = 4;
  public static final int DEFAULT_QUEUE_PASSES = 8;
  public static final int DEFAULT_LANES = 2;

  /** With the default lanes. */
  public SchedulerSettings(int passTokens, int poolTokens, long queueTokens, Duration maxWait) {
    this(passTokens, poolTokens, queueTokens, maxWait, DEFAULT_LANES);
  }

  public SchedulerSettings {
    if (passTokens < 1 || poolTokens < passTokens || queueTokens < passTokens) {
      throw new IllegalArgumentException(
          "need 1 <= pass tokens <= pool tokens, queue tokens; got "
              + passTokens
              + ", "
              + poolTokens
              + ", "
              + queueTokens);
    }
    if (lanes != 1 && lanes != 2) {
      throw new IllegalArgumentException("lanes must be 1 or 2, got " + lanes);
    }
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("max wait must not be negative");
    }
  }

  public static SchedulerSettings of(int passTokens, Duration maxWait) {
    return new SchedulerSettings(
        passTokens,
        passTokens * DEFAULT_POOL_PASSES,
        (long) passTokens * DEFAULT_QUEUE_PASSES,
        maxWait);
  }

  public SchedulerSettings withLanes(int lanes) {
    return new SchedulerSettings(passTokens, poolTokens, queueTokens, maxWait, lanes);
  }
}
