package io.modernbert.model.cli;

import java.io.PrintWriter;
import java.util.Locale;

/** Throughput lines on stderr for long runs: at most one every few seconds, and a summary. */
final class Progress {
  private static final long REPORT_EVERY_NANOS = 5_000_000_000L;

  private final PrintWriter err;
  private final long start = System.nanoTime();
  private long lastReport = start;
  private long documents;
  private long tokens;
  private long finished;

  Progress(PrintWriter err) {
    this.err = err;
  }

  void add(int documentTokens) {
    documents++;
    tokens += documentTokens;
    long now = System.nanoTime();
    if (now - lastReport >= REPORT_EVERY_NANOS) {
      lastReport = now;
      err.println(line("encoded", now));
      err.flush();
    }
  }

  /** The summary, printed when the run lasted long enough for progress to matter. */
  void finish() {
    long now = System.nanoTime();
    finished = now;
    if (now - start >= REPORT_EVERY_NANOS / 5) {
      err.println(line("done:", now));
      err.flush();
    }
  }

  /** The documents and tokens counted, over the time from the start to {@link #finish}. */
  EncodeLoop.Totals totals() {
    return new EncodeLoop.Totals(documents, tokens, (finished - start) / 1e9);
  }

  private String line(String verb, long now) {
    double seconds = (now - start) / 1e9;
    return String.format(
        Locale.ROOT,
        "%s %,d documents, %,d tokens in %.1f s (%.1f documents/s, %,.0f tokens/s)",
        verb,
        documents,
        tokens,
        seconds,
        documents / seconds,
        tokens / seconds);
  }
}
