package io.modernbert.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code bench} prints on stdout, from the pairs of every workload:
 *
 * <ul>
 *   <li>the table: one row per workload and engine, with the median of its seconds over the pairs;
 *   <li>{@code PAIR <workload> <n>: <engine> <tokens/s>, ...}: each pair in the order it ran;
 *   <li>{@code RATIO <workload> <median> pairs <r1> <r2> ... range <min>..<max>}: our first
 *       precision over the peer, tokens per second, the median of the pairs' ratios first (so that
 *       {@code RATIO <workload> <ratio>} reads as before); {@code lognormal-sorted} compares with
 *       the peer's length-sorted leg;
 *   <li>{@code SPEEDUP bf16/fp32 <workload> <median> pairs ... range ...}: the same for our bf16
 *       over our fp32, when both ran.
 * </ul>
 */
final class BenchReport {
  private BenchReport() {}

  /** The lines, with {@code anchor} (our first precision's engine name) as RATIO's numerator. */
  static List<String> lines(List<PairedRun> runs, String anchor) {
    List<String> lines = new ArrayList<>(List.of(Measurement.header().split("\n")));
    for (PairedRun run : runs) {
      run.engines().forEach(engine -> lines.add(run.median(engine).row()));
    }
    for (PairedRun run : runs) {
      for (int p = 0; p < run.pairs().size(); p++) {
        lines.add(pairLine(run.workload(), p + 1, run.pairs().get(p)));
      }
    }
    for (PairedRun run : runs) {
      if (!run.engines().contains(anchor)) {
        continue;
      }
      for (String peer : run.engines()) {
        if (peer.startsWith("onnxruntime")) {
          String label = peer.endsWith("sorted") ? run.workload() + "-sorted" : run.workload();
          lines.add(spreadLine("RATIO " + label, run.ratios(anchor, peer)));
        }
      }
    }
    for (PairedRun run : runs) {
      Optional<String> bf16 = engineStartingWith(run, "ours bf16");
      Optional<String> fp32 = engineStartingWith(run, "ours fp32");
      if (bf16.isPresent() && fp32.isPresent()) {
        lines.add(
            spreadLine("SPEEDUP bf16/fp32 " + run.workload(), run.ratios(bf16.get(), fp32.get())));
      }
    }
    return lines;
  }

  private static String pairLine(String workload, int number, PairedRun.Pair pair) {
    StringBuilder line = new StringBuilder("PAIR " + workload + " " + number + ":");
    String separator = " ";
    for (Measurement m : pair.inRunOrder()) {
      line.append(separator)
          .append(m.engine())
          .append(String.format(Locale.ROOT, " %.1f", m.tokensPerSecond()));
      separator = ", ";
    }
    return line.append(" tokens/s").toString();
  }

  private static String spreadLine(String label, Spread spread) {
    StringBuilder line =
        new StringBuilder(String.format(Locale.ROOT, "%s %.2f pairs", label, spread.median()));
    spread.values().forEach(r -> line.append(String.format(Locale.ROOT, " %.2f", r)));
    return line.append(String.format(Locale.ROOT, " range %.2f..%.2f", spread.min(), spread.max()))
        .toString();
  }

  private static Optional<String> engineStartingWith(PairedRun run, String prefix) {
    return run.engines().stream().filter(e -> e.startsWith(prefix)).findFirst();
  }
}
