package io.modernbert.load;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One document's outcome in a run, for the report's per-document table and the latency by length
 * ({@link LatencyByLength}): which tail documents were slow, and whether they were long ones or
 * short ones that waited.
 *
 * @param id the document's id (this run's)
 * @param tokens its length in tokens, [CLS] and [SEP] included
 * @param sentSecond when it was sent (or meant to be, open loop), in seconds from the first send
 * @param latencyMs send to its first embedding (HTTP: to the good answer), or NaN when none came
 *     back
 * @param processedMs send to the service's processedAt on that embedding: when the service wrote
 *     it, before the commit that made it visible to read_committed consumers (NaN when unknown).
 *     latencyMs - processedMs is the commit and the read; both clocks are this machine's when the
 *     service runs beside the load generator, else they differ by the hosts' clock offset. Always
 *     NaN in HTTP mode, where the answer is the output.
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
        : new double[] {Percentiles.percentile(values, 50), Percentiles.percentile(values, 99)};
  }
}
