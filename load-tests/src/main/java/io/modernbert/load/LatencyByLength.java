package io.modernbert.load;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Latency of the received documents by {@link LengthClass}: over the whole run, and per window of
 * time, which shows whether a tail comes from the long documents or from a stretch of the run (the
 * first seconds after a start, a rebalance) when every length waited.
 */
final class LatencyByLength {
  /** The report's window: long enough for a p99 of short documents, short enough to see a stall. */
  static final int WINDOW_SECONDS = 5;

  /** Latency of the documents of one class answered from {@code fromSecond} on, for a window. */
  record Window(double fromSecond, Percentiles latency) {}

  private LatencyByLength() {}

  /** Every class, in order; a class without received documents has {@link Percentiles#NONE}. */
  static Map<LengthClass, Percentiles> overall(List<DocumentLatency> documents) {
    Map<LengthClass, List<Double>> latencies = new EnumMap<>(LengthClass.class);
    for (DocumentLatency document : documents) {
      if (document.received()) {
        latencies
            .computeIfAbsent(LengthClass.of(document.tokens()), c -> new ArrayList<>())
            .add(document.latencyMs());
      }
    }
    Map<LengthClass, Percentiles> overall = new EnumMap<>(LengthClass.class);
    for (LengthClass lengthClass : LengthClass.values()) {
      overall.put(lengthClass, percentiles(latencies.getOrDefault(lengthClass, List.of())));
    }
    return overall;
  }

  /**
   * Per class with received documents, its windows of {@code windowSeconds} from the start, by when
   * each document's answer came (its send second plus its latency): a burst sends everything in the
   * first second, so only the answers spread over the run. Windows without an answer of the class
   * are left out.
   */
  static Map<LengthClass, List<Window>> overTime(
      List<DocumentLatency> documents, int windowSeconds) {
    Map<LengthClass, TreeMap<Integer, List<Double>>> grouped = new EnumMap<>(LengthClass.class);
    for (DocumentLatency document : documents) {
      if (document.received()) {
        double answered = document.sentSecond() + document.latencyMs() / 1_000;
        int window = (int) Math.floor(Math.max(0, answered) / windowSeconds);
        grouped
            .computeIfAbsent(LengthClass.of(document.tokens()), c -> new TreeMap<>())
            .computeIfAbsent(window, w -> new ArrayList<>())
            .add(document.latencyMs());
      }
    }
    Map<LengthClass, List<Window>> series = new EnumMap<>(LengthClass.class);
    grouped.forEach(
        (lengthClass, windows) -> {
          List<Window> list = new ArrayList<>();
          windows.forEach(
              (window, latencies) ->
                  list.add(new Window(window * (double) windowSeconds, percentiles(latencies))));
          series.put(lengthClass, list);
        });
    return series;
  }

  /** Latency of the received documents sent in the first {@code seconds} of the run. */
  static Percentiles sentWithin(List<DocumentLatency> documents, double seconds) {
    return Percentiles.of(
        documents.stream()
            .filter(d -> d.received() && d.sentSecond() < seconds)
            .mapToDouble(DocumentLatency::latencyMs)
            .toArray());
  }

  private static Percentiles percentiles(List<Double> latencies) {
    return Percentiles.of(latencies.stream().mapToDouble(Double::doubleValue).toArray());
  }
}
