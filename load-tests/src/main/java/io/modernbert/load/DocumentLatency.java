package io.modernbert.load;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One document's outcome in a Kafka run, for the report's per-document table and the latency by
 * length: which tail documents were slow, and whether they were long ones or short ones that
 * waited.
 *
 * @param id the document's id (this run's)
 * @param tokens its length in tokens, [CLS] and [SEP] included
 * @param sentSecond when it was sent (or meant to be, open loop), in seconds from the first send
 * @param latencyMs send to its first embedding, or NaN when none came back
 * @param processedMs send to the service's processedAt on that embedding: when the service wrote
 *     it, before the commit that made it visible to read_committed consumers (NaN when unknown).
 *     latencyMs - processedMs is the commit and the read; both clocks are this machine's when the
 *     service runs beside the load generator, else they differ by the hosts' clock offset.
 */
record DocumentLatency(
    String id, int tokens, double sentSecond, double latencyMs, double processedMs) {

  boolean received() {
    return !Double.isNaN(latencyMs);
  }

  /** p50 and p99 of {@code value} over the documents where it is known; empty if none. */
  static double[] percentiles(
      List<DocumentLatency> documents, ToDoubleFunction<DocumentLatency> value) {
    double[] values =
        documents.stream().mapToDouble(value).filter(v -> !Double.isNaN(v)).sorted().toArray();
    return values.length == 0
        ? new double[0]
        : new double[] {Band.percentile(values, 50), Band.percentile(values, 99)};
  }

  /**
   * Latency percentiles of the received documents in length bands that double from 128 tokens (the
   * engine's row lengths): where in the length distribution the tail comes from.
   *
   * @param fromTokens first length in the band (1 for the first band)
   * @param toTokens last length in the band
   */
  record Band(
      int fromTokens, int toTokens, int documents, double p50Ms, double p99Ms, double maxMs) {

    static List<Band> of(List<DocumentLatency> documents) {
      int longest = documents.stream().mapToInt(DocumentLatency::tokens).max().orElse(0);
      List<Band> bands = new ArrayList<>();
      for (int from = 1, to = 128; from <= longest; from = to + 1, to *= 2) {
        int low = from;
        int high = to;
        double[] latencies =
            documents.stream()
                .filter(d -> d.received() && d.tokens() >= low && d.tokens() <= high)
                .mapToDouble(DocumentLatency::latencyMs)
                .sorted()
                .toArray();
        if (latencies.length > 0) {
          bands.add(
              new Band(
                  low,
                  high,
                  latencies.length,
                  percentile(latencies, 50),
                  percentile(latencies, 99),
                  latencies[latencies.length - 1]));
        }
      }
      return bands;
    }

    /** Nearest rank: the smallest value with at least {@code percentile}% of values at or below. */
    static double percentile(double[] sorted, double percentile) {
      int rank = (int) Math.ceil(percentile / 100 * sorted.length);
      return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
  }
}
