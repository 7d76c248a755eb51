package io.modernbert.model.engine;

import io.modernbert.model.config.ModernBertConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Turns a classifier's logits into labelled scores, best first. */
final class LabelScores {
  private LabelScores() {}

  /** softmax for single-label models, sigmoid for multi-label, raw values for regression. */
  static List<LabelScore> score(ModernBertConfig config, float[] logits) {
    double[] scores = new double[logits.length];
    switch (config.problemType()) {
      case MULTI_LABEL -> {
        for (int i = 0; i < logits.length; i++) {
          scores[i] = 1.0 / (1.0 + Math.exp(-logits[i]));
        }
      }
      case REGRESSION -> {
        for (int i = 0; i < logits.length; i++) {
          scores[i] = logits[i];
        }
      }
      case SINGLE_LABEL -> {
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
          max = Math.max(max, logit);
        }
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
          scores[i] = Math.exp(logits[i] - max);
          sum += scores[i];
        }
        for (int i = 0; i < logits.length; i++) {
          scores[i] /= sum;
        }
      }
    }
    List<LabelScore> labels = new ArrayList<>(logits.length);
    for (int i = 0; i < logits.length; i++) {
      labels.add(new LabelScore(config.label(i), (float) scores[i]));
    }
    labels.sort(Comparator.comparingDouble(LabelScore::score).reversed());
    return labels;
  }
}
