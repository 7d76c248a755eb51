package io.modernbert.bench;

import io.modernbert.model.config.LayerType;
import io.modernbert.model.config.ModernBertConfig;

/**
 * The useful floating-point work of encoding one document: what any engine must compute for its
 * real tokens (linear layers, and attention over the keys each token may see), not padding and not
 * masked-out scores. A multiply-add counts as 2 FLOP.
 */
final class Flops {
  private Flops() {}

  /** The useful work of all a workload's documents (the same for every engine). */
  static double workload(ModernBertConfig config, Workload load) {
    double flops = 0;
    for (int[] document : load.documents()) {
      flops += document(config, document.length);
    }
    return flops;
  }

  static double document(ModernBertConfig config, int length) {
    double hidden = config.hiddenSize();
    double intermediate = config.intermediateSize();
    // Wqkv (h x 3h), Wo (h x h), Wi (h x 2i), mlp Wo (i x h)
    double linearPerToken =
        2
            * (hidden * 3 * hidden
                + hidden * hidden
                + hidden * 2 * intermediate
                + intermediate * hidden);
    double total = 0;
    for (LayerType type : config.layerTypes()) {
      double keys =
          type == LayerType.FULL_ATTENTION
              ? (double) length * length
              : slidingPairs(length, config.localAttention() / 2);
      // scores (q.k) and context (p.v): 2 FLOP per pair per hidden element each
      total += length * linearPerToken + 4 * keys * hidden;
    }
    return total;
  }

  /** Query-key pairs with |i - j| <= half in a sequence of {@code length}. */
  static double slidingPairs(int length, int half) {
    double pairs = 0;
    for (int i = 0; i < length; i++) {
      pairs += Math.min(length - 1, i + half) - Math.max(0, i - half) + 1;
    }
    return pairs;
  }
}
