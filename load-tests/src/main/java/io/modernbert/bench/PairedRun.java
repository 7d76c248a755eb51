package io.modernbert.bench;

import java.util.List;

/**
 * The pairs of one workload: in each, every leg ran once, back to back.
 *
 * @param engines ours in precision order, then the peer's legs (the table's order)
 * @param lineUp the engines in the order of the first pair (the next pair runs them reversed)
 */
record PairedRun(String workload, List<String> engines, List<String> lineUp, List<Pair> pairs) {

  PairedRun {
    engines = List.copyOf(engines);
    lineUp = List.copyOf(lineUp);
    pairs = List.copyOf(pairs);
  }

  /** One pair: each leg's measurement, in the order they ran. */
  record Pair(List<Measurement> inRunOrder) {
    Pair {
      inRunOrder = List.copyOf(inRunOrder);
    }

    Measurement of(String engine) {
      return inRunOrder.stream()
          .filter(m -> m.engine().equals(engine))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no leg " + engine + " in this pair"));
    }

    /** Tokens per second of {@code numerator} over those of {@code denominator}, this pair. */
    double ratio(String numerator, String denominator) {
      return of(numerator).tokensPerSecond() / of(denominator).tokensPerSecond();
    }
  }

  /** The ratio of two engines in each pair, with its median and range. */
  Spread ratios(String numerator, String denominator) {
    return Spread.of(pairs.stream().map(p -> p.ratio(numerator, denominator)).toList());
  }

  /** One engine's measurement with the median of its seconds over the pairs (for the table). */
  Measurement median(String engine) {
    Spread seconds = Spread.of(pairs.stream().map(p -> p.of(engine).seconds()).toList());
    return pairs.get(0).of(engine).withSeconds(seconds.median());
  }
}
