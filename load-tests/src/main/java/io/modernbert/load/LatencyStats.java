package io.modernbert.load;

import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latencies of a run in an HdrHistogram (microseconds, 3 significant digits, any range) plus the
 * completions per second and the times of the first start and the last completion, which bound the
 * end-to-end throughput. Recording is safe from any number of threads.
 */
final class LatencyStats {
  private final long originNanos;
  private final Histogram histogram = new ConcurrentHistogram(3);
  private final SecondSeries completions;
  private final AtomicLong firstStart = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong lastEnd = new AtomicLong(Long.MIN_VALUE);

  LatencyStats(long originNanos) {
    this.originNanos = originNanos;
    this.completions = new SecondSeries(originNanos);
  }

  /** One completion: {@code startNanos} is when it was sent, or meant to be (open loop). */
  void record(long startNanos, long endNanos) {
    histogram.recordValue(Math.max(0, (endNanos - startNanos) / 1_000));
    completions.add(endNanos);
    firstStart.accumulateAndGet(startNanos, Math::min);
    lastEnd.accumulateAndGet(endNanos, Math::max);
  }

  /** Marks a send, so the throughput window opens at the first send even before any completion. */
  void started(long startNanos) {
    firstStart.accumulateAndGet(startNanos, Math::min);
  }

  long count() {
    return histogram.getTotalCount();
  }

  /** Latency at a percentile (0..100) in milliseconds; 0 before the first completion. */
  double percentileMs(double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1_000.0;
  }

  /** A consistent copy for the report. */
  Histogram snapshot() {
    return histogram.copy();
  }

  SecondSeries completions() {
    return completions;
  }

  long originNanos() {
    return originNanos;
  }

  /** Seconds from the first send to the last completion; 0 before any completion. */
  double elapsedSeconds() {
    long start = firstStart.get();
    long end = lastEnd.get();
    return end == Long.MIN_VALUE || start == Long.MAX_VALUE ? 0 : Math.max(0, end - start) / 1e9;
  }
}
