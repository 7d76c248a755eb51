package io.modernbert.stream.scheduler;

import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.engine.PackedBatch;
import io.modernbert.model.engine.ShapeScope;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Chooses the next pass of a {@link Lane} from the queue, length-aware, and returns it planned: the
 * pass chosen is the pass the engine runs.
 *
 * <p>The pool is the queue's first {@code poolTokens} tokens by deadline (for the short lane, of
 * the documents it may take). The engine's planner packs the pool into passes, on warm shapes only
 * when the engine compiles shapes (long documents set the row length, short ones fill the gaps);
 * one of them runs now, the rest stay queued and are planned again with whatever arrives meanwhile.
 * Which one: the pass holding the earliest-deadline job once that deadline has passed (so no job,
 * long or short, waits much past its deadline), otherwise the pass with the most tokens (the lane
 * is idle: run the best work queued now rather than wait).
 *
 * <p>The long lane, beside a short lane, prefers passes larger than the serving shapes; it takes a
 * serving-size pass only while the short lane is busy, so that short work never waits for either.
 */
final class PassSelector {
  /** A chosen pass: its jobs in placement order, and the pass over just them. */
  record Selected(List<QueuedJob> jobs, PackedBatch pass) {}

  private final BiFunction<List<int[]>, ShapeScope, List<PackedBatch>> planner;
  private final int poolTokens;
  private final int servingSlots;
  private final boolean warmOnly;

  /**
   * {@code planner}: the engine's, which packs documents into passes of its fixed shapes; {@code
   * servingSlots}: the short lane's largest pass and longest document; {@code warmOnly}: plan on
   * warm shapes only ({@link InferenceEngine#compilesShapes()}).
   */
  PassSelector(
      BiFunction<List<int[]>, ShapeScope, List<PackedBatch>> planner,
      int poolTokens,
      int servingSlots,
      boolean warmOnly) {
    this.planner = planner;
    this.poolTokens = poolTokens;
    this.servingSlots = servingSlots;
    this.warmOnly = warmOnly;
  }

  PassSelector(
      BiFunction<List<int[]>, ShapeScope, List<PackedBatch>> planner,
      int poolTokens,
      boolean warmOnly) {
    this(planner, poolTokens, InferenceEngine.SERVING_SLOTS, warmOnly);
  }

  /**
   * The next pass of {@code lane} from {@code queue} (in priority and deadline order), or null when
   * it has nothing to take now; the queue is not changed. {@code shortLaneBusy}: false when there
   * is no short lane at all, or it is idle. {@code backlog}: the stream documents queued are more
   * than the long lane's next passes hold (a burst): the short lane then takes requests only, so
   * that one never waits for a short pass of stream documents, which on a busy machine took 0.4 s
   * (POST /embed during a Kafka burst: 0.4 s a request, against 15 ms idle).
   */
  Selected select(
      Collection<QueuedJob> queue,
      long nowNanos,
      Lane lane,
      boolean twoLanes,
      boolean shortLaneBusy,
      boolean backlog) {
    boolean shortOnly = lane == Lane.SHORT;
    boolean requestsOnly = shortOnly && twoLanes && backlog;
    List<QueuedJob> pool = new ArrayList<>();
    long tokens = 0;
    for (QueuedJob queued : queue) {
      if (shortOnly && queued.tokens() > servingSlots) {
        continue;
      }
      if (requestsOnly && queued.job().priority() != InferenceJob.Priority.INTERACTIVE) {
        break; // interactive jobs sort first: the rest are stream documents
      }
      if (!pool.isEmpty() && tokens + queued.tokens() > poolTokens) {
        break;
      }
      pool.add(queued);
      tokens += queued.tokens();
    }
    if (pool.isEmpty()) {
      return null;
    }
    ShapeScope scope = new ShapeScope(shortOnly ? servingSlots : Integer.MAX_VALUE, warmOnly);
    List<PackedBatch> passes =
        planner.apply(pool.stream().map(q -> q.job().tokenIds()).toList(), scope);
    boolean due = pool.get(0).deadlineNanos() <= nowNanos;
    PackedBatch chosen;
    if (lane == Lane.LONG && twoLanes) {
      List<PackedBatch> large =
          passes.stream().filter(pass -> pass.shape().slots() > servingSlots).toList();
      PackedBatch first = holding(passes, 0);
      if (due && large.contains(first)) {
        chosen = first;
      } else if (!large.isEmpty()) {
        chosen = mostTokens(large);
      } else if (shortLaneBusy || backlog) {
        chosen = due ? first : mostTokens(passes);
      } else {
        return null; // short work only, and the short lane is free to take it
      }
    } else {
      chosen = due ? holding(passes, 0) : mostTokens(passes);
    }
    List<QueuedJob> selected = new ArrayList<>(chosen.placements().size());
    for (PackedBatch.Placement placement : chosen.placements()) {
      selected.add(pool.get(placement.document()));
    }
    return new Selected(selected, chosen.renumbered());
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
