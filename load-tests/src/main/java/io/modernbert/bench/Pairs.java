package io.modernbert.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Runs a workload's legs as pairs: every leg once per pair, back to back, the order reversed on
 * every other pair.
 *
 * <p>Why pairs: the machine's speed drifts over minutes (one full run gave ours/peer 0.70 on {@code
 * fixed:128} while a run of only it and {@code fixed:512} gave 1.12 the same hour), so two legs
 * compared must run next to each other, and the comparison is repeated. Reversing the order every
 * other pair puts each leg first as often as second (for an even count), so that a linear drift
 * within a pair and any advantage of running first or second cancel in the median of the pairs'
 * ratios.
 */
final class Pairs {
  private Pairs() {}

  /**
   * The order of the first pair. Our first precision (the RATIO lines' numerator) stands next to
   * each peer leg (a workload has one or two), so each ratio compares legs run back to back:
   * further peer legs before it, further precisions at the outer end. Ours {@code [fp32, bf16]} and
   * the peer's {@code [arrival, sorted]} line up as {@code bf16, sorted, fp32, arrival}; with one
   * peer leg, {@code bf16, fp32, peer}.
   */
  static List<Leg> lineUp(List<? extends Leg> ours, List<? extends Leg> peers) {
    List<Leg> order = new ArrayList<>();
    for (int i = ours.size() - 1; i >= 1; i--) {
      order.add(ours.get(i));
    }
    order.addAll(peers.subList(Math.min(1, peers.size()), peers.size()));
    if (!ours.isEmpty()) {
      order.add(ours.get(0));
    }
    if (!peers.isEmpty()) {
      order.add(peers.get(0));
    }
    return order;
  }

  /** The order of pair {@code index} (from 0): the line-up, reversed when the index is odd. */
  static List<Leg> order(List<Leg> lineUp, int index) {
    if (index % 2 == 0) {
      return lineUp;
    }
    List<Leg> reversed = new ArrayList<>(lineUp);
    Collections.reverse(reversed);
    return reversed;
  }

  /**
   * Warms every leg up, the peer's first (so that the peak of both engines' memory together comes
   * during the warm-up, not after minutes of pairs), then runs {@code pairs} pairs.
   */
  static PairedRun run(
      String workload,
      List<? extends Leg> ours,
      List<? extends Leg> peers,
      int pairs,
      Consumer<String> progress)
      throws Exception {
    if (pairs < 1) {
      throw new IllegalArgumentException("pairs must be at least 1: " + pairs);
    }
    for (Leg leg : peers) {
      leg.warmUp();
    }
    for (Leg leg : ours) {
      leg.warmUp();
    }
    List<Leg> lineUp = lineUp(ours, peers);
    List<PairedRun.Pair> done = new ArrayList<>();
    for (int p = 0; p < pairs; p++) {
      List<Measurement> measured = new ArrayList<>();
      for (Leg leg : order(lineUp, p)) {
        Measurement m = leg.run();
        progress.accept(
            String.format(
                Locale.ROOT,
                "pair %d/%d, %s on %s: %.1f tokens/s",
                p + 1,
                pairs,
                m.engine(),
                workload,
                m.tokensPerSecond()));
        measured.add(m);
      }
      done.add(new PairedRun.Pair(measured));
    }
    List<String> engines = new ArrayList<>();
    ours.forEach(leg -> engines.add(leg.engine()));
    peers.forEach(leg -> engines.add(leg.engine()));
    return new PairedRun(workload, engines, lineUp.stream().map(Leg::engine).toList(), done);
  }
}
