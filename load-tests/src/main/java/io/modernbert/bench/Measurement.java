package io.modernbert.bench;

import java.util.Locale;

/**
 * One engine on one workload.
 *
 * @param slots token slots computed, padding included
 * @param usefulFlops the documents' useful work (see {@link Flops})
 * @param ceilingGflops the matmul ceiling of the precision this engine ran in
 */
record Measurement(
    String workload,
    String engine,
    int documents,
    long tokens,
    long slots,
    double seconds,
    double usefulFlops,
    double ceilingGflops) {

  /** The same work done in {@code seconds} (a median over pairs). */
  Measurement withSeconds(double seconds) {
    return new Measurement(
        workload, engine, documents, tokens, slots, seconds, usefulFlops, ceilingGflops);
  }

  double tokensPerSecond() {
    return tokens / seconds;
  }

  double paddingWastePercent() {
    return 100.0 * (slots - tokens) / slots;
  }

  double gflops() {
    return usefulFlops / seconds / 1e9;
  }

  String row() {
    return String.format(
        Locale.ROOT,
        "| %-17s | %-22s | %5d | %9d | %8.1f | %9.1f | %6.1f%% | %7.1f | %5.1f%% |",
        workload,
        engine,
        documents,
        tokens,
        seconds,
        tokensPerSecond(),
        paddingWastePercent(),
        gflops(),
        100 * gflops() / ceilingGflops);
  }

  static String header() {
    return "| workload          | engine                 |  docs |    tokens |  seconds |  tokens/s | padding | GFLOP/s | of ceiling |\n"
        + "|-------------------|------------------------|-------|-----------|----------|-----------|---------|---------|------------|";
  }
}
