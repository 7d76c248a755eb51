package io.modernbert.load;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** One line on stderr every 5 s while a run goes on, so a stalled service is seen at once. */
final class ProgressLine implements AutoCloseable {
  private static final int PERIOD_SECONDS = 5;

  private final PrintWriter err;
  private final long total;
  private final LongSupplier sent;
  private final LatencyStats stats;
  private final LongSupplier lag;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "load-progress");
            thread.setDaemon(true);
            return thread;
          });

  /** {@code lag} may be null (HTTP mode without a broker to ask). */
  ProgressLine(
      PrintWriter err, long total, LongSupplier sent, LatencyStats stats, LongSupplier lag) {
    this.err = err;
    this.total = total;
    this.sent = sent;
    this.stats = stats;
    this.lag = lag;
  }

  void start() {
    timer.scheduleAtFixedRate(
        () -> err.println(line(System.nanoTime())),
        PERIOD_SECONDS,
        PERIOD_SECONDS,
        TimeUnit.SECONDS);
  }

  /**
   * e.g. {@code load: 15 s, sent 3000/4000, received 1200 (96.0/s), p50 812 ms, p99 2140 ms, lag
   * 1800}.
   */
  String line(long nowNanos) {
    double rate = stats.completions().recent(nowNanos, PERIOD_SECONDS) / (double) PERIOD_SECONDS;
    String line =
        String.format(
            Locale.ROOT,
            "load: %.0f s, sent %d/%d, received %d (%.1f/s), p50 %.0f ms, p99 %.0f ms",
            (nowNanos - stats.originNanos()) / 1e9,
            sent.getAsLong(),
            total,
            stats.count(),
            rate,
            stats.percentileMs(50),
            stats.percentileMs(99));
    if (lag != null) {
      long value = lag.getAsLong();
      line += value < 0 ? ", lag ?" : ", lag " + value;
    }
    return line;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
