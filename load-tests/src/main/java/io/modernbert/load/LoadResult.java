package io.modernbert.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Everything a run measured, for the summary lines, summary.json and the charts.
 *
 * @param settings the options the run was made with, as shown in the report
 * @param mode "kafka" or "http"
 * @param elapsedSeconds first send to last output (Kafka) or last response (HTTP)
 * @param latency latencies in microseconds
 * @param outputsPerSecond first outputs (or good responses) per 1-second bucket from the start
 * @param documents each sent document's length and latency
 * @param engineDocumentsPerSecond the bare engine on the same documents, or null without {@code
 *     --engine-compare}
 * @param settled when the service was ready and how long the run waited after, or null without
 *     {@code --settle}
 */
record LoadResult(
    Map<String, Object> settings,
    String mode,
    Counts counts,
    double elapsedSeconds,
    Histogram latency,
    long[] outputsPerSecond,
    List<LagSampler.Sample> lag,
    List<BatchStats.Batch> batches,
    List<DocumentLatency> documents,
    Double engineDocumentsPerSecond,
    StartGate.Settled settled) {
  /**
   * The summary's FIRST line: latency of the documents sent in this many seconds from the start.
   */
  static final int FIRST_SECONDS = 60;

  /**
   * What was sent and what came back. In HTTP mode, received counts good answers, the other Kafka
   * fields are 0 and {@code httpErrors} has the failures by status.
   */
  record Counts(
      long documents,
      long tokens,
      long sent,
      long sendErrors,
      long received,
      long labels,
      int duplicates,
      int duplicateLabels,
      int missing,
      int missingLabels,
      long foreign,
      long invalid,
      Map<String, Long> httpErrors) {
    long httpErrorCount() {
      return httpErrors.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  LoadResult withEngine(Double documentsPerSecond) {
    return new LoadResult(
        settings,
        mode,
        counts,
        elapsedSeconds,
        latency,
        outputsPerSecond,
        lag,
        batches,
        documents,
        documentsPerSecond,
        settled);
  }

  boolean isKafka() {
    return mode.equals("kafka");
  }

  /** End-to-end documents per second: documents that came back over first send to last output. */
  double documentsPerSecond() {
    return elapsedSeconds > 0 ? counts.received() / elapsedSeconds : 0;
  }

  /** End to end over engine, or null without an engine measurement. */
  Double ratio() {
    return engineDocumentsPerSecond == null || engineDocumentsPerSecond <= 0
        ? null
        : documentsPerSecond() / engineDocumentsPerSecond;
  }

  double percentileMs(double percentile) {
    return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile) / 1_000.0;
  }

  double maxMs() {
    return latency.getTotalCount() == 0 ? 0 : latency.getMaxValue() / 1_000.0;
  }

  /** The stdout summary: one fact per line, first word in capitals, easy to grep. */
  List<String> summaryLines() {
    List<String> lines = new ArrayList<>();
    lines.add(readyLine());
    Counts c = counts;
    if (isKafka()) {
      lines.add(
          format(
                  "DOCUMENTS sent %d, send errors %d, embeddings %d, labels %d, tokens sent %d",
                  c.sent(), c.sendErrors(), c.received(), c.labels(), c.tokens())
              + (c.invalid() > 0 ? format(", outputs that did not decode %d", c.invalid()) : ""));
    } else {
      lines.add(
          format(
              "REQUESTS sent %d, ok %d, errors %d%s, tokens sent %d",
              c.sent(),
              c.received(),
              c.httpErrorCount(),
              c.httpErrors().isEmpty() ? "" : " " + c.httpErrors(),
              c.tokens()));
    }
    lines.add(
        format(
            "THROUGHPUT %.2f docs/s (%d documents in %.2f s, first send to last %s)",
            documentsPerSecond(), c.received(), elapsedSeconds, isKafka() ? "output" : "response"));
    lines.add(
        format(
            "LATENCY p50 %.1f p90 %.1f p99 %.1f max %.1f ms",
            percentileMs(50), percentileMs(90), percentileMs(99), maxMs()));
    double[] written = DocumentLatency.percentiles(documents, DocumentLatency::processedMs);
    double[] visible = DocumentLatency.percentiles(documents, d -> d.latencyMs() - d.processedMs());
    if (written.length > 0) {
      lines.add(
          format(
              "SPLIT written by the service p50 %.0f p99 %.0f ms after the send;"
                  + " visible p50 %.0f p99 %.0f ms after that (commit and read)",
              written[0], written[1], visible[0], visible[1]));
    }
    lines.addAll(lengthLines());
    if (isKafka()) {
      lines.add(
          format("DUPLICATES %d", c.duplicates())
              + (c.duplicateLabels() > 0 ? format(" (labels %d)", c.duplicateLabels()) : ""));
      lines.add(
          format("MISSING %d", c.missing())
              + (c.labels() > 0 && c.missingLabels() > 0
                  ? format(" (labels %d)", c.missingLabels())
                  : ""));
      if (!batches.isEmpty()) {
        lines.add(
            format(
                "BATCHES %d, mean %.1f documents and %.0f tokens per batch, padding %s",
                batches.size(),
                batches.stream().mapToInt(BatchStats.Batch::documents).average().orElse(0),
                batches.stream().mapToLong(BatchStats.Batch::tokens).average().orElse(0),
                Double.isNaN(BatchStats.paddingShare(batches))
                    ? "n/a (no slots header)"
                    : format("%.1f%%", 100 * BatchStats.paddingShare(batches))));
      }
    }
    if (engineDocumentsPerSecond != null) {
      lines.add(format("ENGINE %.2f docs/s", engineDocumentsPerSecond));
      lines.add(format("RATIO e2e/engine %.2f", ratio()));
    }
    return lines;
  }

  private String readyLine() {
    if (settled == null) {
      return "READY not waited for (no --settle): the first send followed the setup";
    }
    return format(
        "READY at %s after %.1f s of waiting (%s); settle %s; first send %.2f s after ready",
        settled.readyAt(),
        settled.waitedSeconds(),
        settled.readiness(),
        DurationConverter.format(settled.settle()),
        settled.firstSendAfterReadySeconds());
  }

  /**
   * Latency by {@link LengthClass} (the classes with received documents), then that of the
   * documents sent in the first {@value #FIRST_SECONDS} s: after a start with {@code --settle 0s},
   * what the first users met.
   */
  private List<String> lengthLines() {
    List<String> lines = new ArrayList<>();
    LatencyByLength.overall(documents)
        .forEach(
            (lengthClass, latency) -> {
              if (latency.count() > 0) {
                lines.add("LENGTH " + lengthClass.label() + " tokens: " + describe(latency));
              }
            });
    Percentiles first = LatencyByLength.sentWithin(documents, FIRST_SECONDS);
    if (first.count() > 0) {
      lines.add(format("FIRST %d s, by send time: ", FIRST_SECONDS) + describe(first));
    }
    return lines;
  }

  private static String describe(Percentiles latency) {
    return format(
        "%d documents, latency p50 %.1f p90 %.1f p99 %.1f max %.1f ms",
        latency.count(), latency.p50(), latency.p90(), latency.p99(), latency.max());
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
