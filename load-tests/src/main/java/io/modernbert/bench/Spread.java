package io.modernbert.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A few values of one quantity, one per pair (a ratio, or a leg's seconds), with their median and
 * range. The median of an even count is the mean of the two middle values, so with pairs that
 * alternate their order it lies between the two orders rather than on one of them.
 *
 * @param values in pair order
 */
record Spread(List<Double> values, double median, double min, double max) {

  Spread {
    values = List.copyOf(values);
  }

  static Spread of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    double median =
        n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return new Spread(values, median, sorted.get(0), sorted.get(n - 1));
  }
}
