package io.modernbert.load;

import java.util.concurrent.locks.LockSupport;

/**
 * When each document is due. In burst mode nothing waits and a document's latency counts from its
 * actual send. At a rate, document {@code i} is due at {@code start + i / rate} whatever happened
 * before (open loop), and its latency counts from that intended time: a sender or service that
 * falls behind shows as latency instead of silently sending later (coordinated omission).
 */
record Timeline(double ratePerSecond) {
  Timeline {
    if (ratePerSecond < 0 || Double.isNaN(ratePerSecond) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate must be a finite number >= 0, got " + ratePerSecond);
    }
  }

  static Timeline burst() {
    return new Timeline(0);
  }

  boolean isBurst() {
    return ratePerSecond == 0;
  }

  /** Intended send time of document {@code index}, in System.nanoTime terms; only for a rate. */
  long due(long startNanos, long index) {
    return startNanos + Math.round(index * 1e9 / ratePerSecond);
  }

  /**
   * Waits until document {@code index} is due and returns the time its latency counts from: the
   * intended time at a rate, now in burst mode.
   */
  long await(long startNanos, long index) {
    if (isBurst()) {
      return System.nanoTime();
    }
    long due = due(startNanos, index);
    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
      LockSupport.parkNanos(wait);
    }
    return due;
  }
}
