package io.modernbert.stream.scheduler;

import io.modernbert.model.engine.PackedBatch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Chooses the documents of the next pass from the queue, length-aware.
 *
 * <p>The pool is the queue's first {@code poolTokens} tokens by deadline. The engine's planner
 * packs the pool into passes (long documents set the row length, short ones fill the gaps); one of
 * them runs now, the rest stay queued and are planned again with whatever arrives meanwhile. Which
 * one: the pass holding the earliest-deadline job once that deadline has passed (so no job, long or
 * short, waits much past its deadline), otherwise the pass with the most tokens (the model is idle:
 * run the best work queued now rather than wait).
 */
final class PassSelector {
  private final Function<List<int[]>, List<PackedBatch>> planner;
  private final int poolTokens;

  /** {@code planner}: the engine's, which packs documents into passes of its fixed shapes. */
  PassSelector(Function<List<int[]>, List<PackedBatch>> planner, int poolTokens) {
    this.planner = planner;
    this.poolTokens = poolTokens;
  }

  /**
   * The jobs of the next pass, from {@code queue} in deadline order (not empty); the queue is not
   * changed.
   */
  List<QueuedJob> select(Collection<QueuedJob> queue, long nowNanos) {
    List<QueuedJob> pool = new ArrayList<>();
    long tokens = 0;
    for (QueuedJob queued : queue) {
      if (!pool.isEmpty() && tokens + queued.tokens() > poolTokens) {
        break;
      }
      pool.add(queued);
      tokens += queued.tokens();
    }
    if (pool.size() == 1) {
      return pool;
    }
    List<PackedBatch> passes = planner.apply(pool.stream().map(q -> q.job().tokenIds()).toList());
    PackedBatch chosen =
        pool.get(0).deadlineNanos() <= nowNanos ? holding(passes, 0) : mostTokens(passes);
    List<QueuedJob> selected = new ArrayList<>(chosen.placements().size());
    for (PackedBatch.Placement placement : chosen.placements()) {
      selected.add(pool.get(placement.document()));
    }
    return selected;
  }

  private static PackedBatch holding(List<PackedBatch> passes, int document) {
    for (PackedBatch pass : passes) {
      for (PackedBatch.Placement placement : pass.placements()) {
        if (placement.document() == document) {
          return pass;
        }
      }
    }
    throw new IllegalStateException("the planner did not place document " + document);
  }

  private static PackedBatch mostTokens(List<PackedBatch> passes) {
    PackedBatch best = passes.get(0);
    for (PackedBatch pass : passes) {
      if (pass.tokens() > best.tokens()) {
        best = pass;
      }
    }
    return best;
  }
}
