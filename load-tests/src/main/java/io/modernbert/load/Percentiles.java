package io.modernbert.load;

import java.util.Arrays;

/**
 * Count, p50, p90, p99 and max of some latencies in milliseconds, by nearest rank: the exact
 * values, not HdrHistogram's buckets, since a length class or a 5-second window holds few enough
 * documents to sort. All percentiles are NaN when there are none.
 */
record Percentiles(int count, double p50, double p90, double p99, double max) {
  static final Percentiles NONE =
      new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

  static Percentiles of(double[] values) {
    if (values.length == 0) {
      return NONE;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return new Percentiles(
        sorted.length,
        percentile(sorted, 50),
        percentile(sorted, 90),
        percentile(sorted, 99),
        sorted[sorted.length - 1]);
  }

  /** Nearest rank: the smallest value with at least {@code percentile}% of values at or below. */
  static double percentile(double[] sorted, double percentile) {
    int rank = (int) Math.ceil(percentile / 100 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
