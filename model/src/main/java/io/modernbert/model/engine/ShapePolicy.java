package io.modernbert.model.engine;

import io.modernbert.model.graph.BatchShape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The shape policy of an engine: which of its fixed batch shapes a pass may use ({@link
 * ShapeScope}), and the {@link BatchPlanner} over those shapes.
 *
 * <p>A scope that wants warm shapes only gets the shapes that have run, closed downwards in rows
 * (the planner splits a partial pass into passes of 1, 2, 4, ... rows, so 8x128 is usable only with
 * 1x128, 2x128 and 4x128). Planners are cached per scope and rebuilt when the warm set grows.
 */
final class ShapePolicy {
  private final List<BatchShape> shapes;
  private final int padId;
  private final Predicate<BatchShape> isWarm;
  private final Map<ShapeScope, CachedPlanner> planners = new ConcurrentHashMap<>();

  private record CachedPlanner(int warmCount, BatchPlanner planner, int maxLength) {}

  ShapePolicy(List<BatchShape> shapes, int padId, Predicate<BatchShape> isWarm) {
    this.shapes = List.copyOf(shapes);
    this.padId = padId;
    this.isWarm = isWarm;
  }

  /** Plans {@code ids} onto the shapes of {@code scope}; every document lands in one pass. */
  List<PackedBatch> plan(List<int[]> ids, ShapeScope scope, int warmCount) {
    int longest = 0;
    for (int[] document : ids) {
      longest = Math.max(longest, document.length);
    }
    CachedPlanner cached =
        planners.compute(
            scope,
            (key, old) ->
                old != null && (!key.warmOnly() || old.warmCount() == warmCount)
                    ? old
                    : build(usable(key), warmCount));
    if (longest <= cached.maxLength()) {
      return cached.planner().plan(ids);
    }
    // No shape of the scope holds the longest document: add the smallest one-row shape that does
    // (it compiles on this pass if cold). Rare: only before the warm-up reaches that length.
    List<BatchShape> extended = new ArrayList<>(usable(scope));
    extended.add(oneRowHolding(longest));
    return new BatchPlanner(extended, padId).plan(ids);
  }

  private CachedPlanner build(List<BatchShape> usable, int warmCount) {
    if (usable.isEmpty()) {
      return new CachedPlanner(warmCount, null, 0);
    }
    BatchPlanner planner = new BatchPlanner(usable, padId);
    return new CachedPlanner(warmCount, planner, planner.maxLength());
  }

  /** The shapes of {@code scope}, closed downwards in rows. */
  List<BatchShape> usable(ShapeScope scope) {
    Set<BatchShape> allowed =
        Set.copyOf(
            shapes.stream()
                .filter(shape -> shape.slots() <= scope.maxSlots())
                .filter(shape -> !scope.warmOnly() || isWarm.test(shape))
                .toList());
    TreeMap<Integer, Integer> rowsByLength = new TreeMap<>();
    for (BatchShape shape : allowed) {
      rowsByLength.putIfAbsent(shape.length(), 0);
    }
    List<BatchShape> usable = new ArrayList<>();
    for (int length : rowsByLength.keySet()) {
      for (int rows = 1; allowed.contains(new BatchShape(rows, length)); rows *= 2) {
        usable.add(new BatchShape(rows, length));
      }
    }
    return usable;
  }

  private BatchShape oneRowHolding(int tokens) {
    return shapes.stream()
        .filter(shape -> shape.rows() == 1 && shape.length() >= tokens)
        .min(Comparator.comparingInt(BatchShape::length))
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "a document of " + tokens + " tokens is longer than every batch shape holds"));
  }
}
