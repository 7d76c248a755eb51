package io.modernbert.load;

import java.util.Arrays;

/**
 * Events counted in 1-second buckets from the start of the run: outputs or responses per second.
 */
final class SecondSeries {
  private final long originNanos;
  private long[] counts = new long[64];
  private int length;

  SecondSeries(long originNanos) {
    this.originNanos = originNanos;
  }

  /**
   * Counts one event at {@code nanos} (System.nanoTime); events before the origin land in second 0.
   */
  synchronized void add(long nanos) {
    int second = (int) Math.max(0, (nanos - originNanos) / 1_000_000_000L);
    if (second >= counts.length) {
      counts = Arrays.copyOf(counts, Math.max(second + 1, counts.length * 2));
    }
    counts[second]++;
    length = Math.max(length, second + 1);
  }

  /** Counts per second from second 0 to the last second with an event (empty seconds are 0). */
  synchronized long[] counts() {
    return Arrays.copyOf(counts, length);
  }

  /**
   * Events in the window of {@code seconds} whole seconds that ends with the second before {@code
   * nanos}.
   */
  synchronized long recent(long nanos, int seconds) {
    int end = (int) Math.min(length, Math.max(0, (nanos - originNanos) / 1_000_000_000L));
    long sum = 0;
    for (int s = Math.max(0, end - seconds); s < end; s++) {
      sum += counts[s];
    }
    return sum;
  }
}
