package io.modernbert.load;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code --settle TIME}: before the run's clock starts, wait until the service is ready, then until
 * TIME has passed since, so that a run measures a service that has been ready for a known time (or,
 * with 0s, the service as soon after ready as the run's setup allows; the summary says how soon).
 * Ready is what a {@link ReadyCheck} says: in HTTP mode, and in Kafka mode with {@code
 * --ready-url}, that URL answers 200 ({@code GET /ready}); in Kafka mode without it, a probe
 * document comes back ({@link KafkaProbe}). The check is repeated until the timeout, with a
 * progress line every 5 s.
 */
final class StartGate {
  private static final Duration PAUSE = Duration.ofMillis(200);
  private static final long PROGRESS_NANOS = 5_000_000_000L;

  /**
   * The options.
   *
   * @param settle how long after ready the first measured document goes out
   * @param timeout how long to wait for ready before giving up
   * @param readyUrl the URL whose 200 means ready, or null for the Kafka probe
   */
  record Settle(Duration settle, Duration timeout, URI readyUrl) {}

  /**
   * What the gate saw, for the summary.
   *
   * @param readiness what ready meant ({@link ReadyCheck#describe})
   * @param readyAt when it was seen
   * @param waitedSeconds from the start of the wait to ready
   * @param settle the settle asked for
   * @param firstSendAfterReadySeconds from ready to the opening of the gate (the first send)
   */
  record Settled(
      String readiness,
      Instant readyAt,
      double waitedSeconds,
      Duration settle,
      double firstSendAfterReadySeconds) {}

  private final String readiness;
  private final long readyNanos;
  private final Instant readyAt;
  private final double waitedSeconds;
  private final Duration settle;

  private StartGate(
      String readiness, long readyNanos, Instant readyAt, double waitedSeconds, Duration settle) {
    this.readiness = readiness;
    this.readyNanos = readyNanos;
    this.readyAt = readyAt;
    this.waitedSeconds = waitedSeconds;
    this.settle = settle;
  }

  /**
   * Polls {@code check} until ready (IllegalStateException after the timeout) and closes it. The
   * run then sets itself up and calls {@link #open}; the settle counts from ready, so setup time is
   * part of it.
   */
  static StartGate awaitReady(ReadyCheck check, Settle settle, PrintWriter err) throws Exception {
    try (check) {
      long start = System.nanoTime();
      err.printf(
          "load: waiting up to %s until %s%n",
          DurationConverter.format(settle.timeout()), check.describe());
      long nextProgress = start + PROGRESS_NANOS;
      while (!check.poll()) {
        long now = System.nanoTime();
        if (now - start > settle.timeout().toNanos()) {
          throw new IllegalStateException(
              String.format(
                  Locale.ROOT,
                  "the service was not ready after %s (%s; last: %s)",
                  DurationConverter.format(settle.timeout()),
                  check.describe(),
                  check.lastAnswer()));
        }
        if (now - nextProgress >= 0) {
          err.printf(
              Locale.ROOT,
              "load: waiting for ready, %.0f s, last: %s%n",
              (now - start) / 1e9,
              check.lastAnswer());
          nextProgress += PROGRESS_NANOS;
        }
        Thread.sleep(PAUSE.toMillis());
      }
      long readyNanos = System.nanoTime();
      err.printf(
          Locale.ROOT,
          "load: ready after %.1f s; first send %s after that%n",
          (readyNanos - start) / 1e9,
          DurationConverter.format(settle.settle()));
      return new StartGate(
          check.describe(), readyNanos, Instant.now(), (readyNanos - start) / 1e9, settle.settle());
    }
  }

  /** Waits until the settle has passed since ready; the first send follows at once. */
  Settled open() throws InterruptedException {
    long due = readyNanos + settle.toNanos();
    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
    return new Settled(
        readiness, readyAt, waitedSeconds, settle, (System.nanoTime() - readyNanos) / 1e9);
  }
}
