package io.modernbert.load;

/**
 * The run's time origin. Intervals are measured with System.nanoTime (monotonic); record timestamps
 * and report times need wall-clock milliseconds, derived from one reading of both clocks at start.
 */
record RunClock(long originNanos, long originMillis) {
  static RunClock start() {
    return new RunClock(System.nanoTime(), System.currentTimeMillis());
  }

  long wallMillis(long nanos) {
    return originMillis + Math.floorDiv(nanos - originNanos, 1_000_000L);
  }

  double seconds(long nanos) {
    return (nanos - originNanos) / 1e9;
  }
}
