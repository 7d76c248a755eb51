package io.modernbert.model.engine;

import io.modernbert.model.pooling.PoolingSpec;

/** Builds a document's embedding from the pooled vectors the graph computed. */
final class EmbeddingPooling {
  private EmbeddingPooling() {}

  /** Concatenates the spec's modes in order, then L2-normalizes when asked. */
  static float[] pool(PoolingSpec spec, RawOutputs raw, int tokens, boolean forceNormalize) {
    int hidden = raw.mean().length;
    float[] result = new float[hidden * spec.modes().size()];
    int offset = 0;
    for (PoolingSpec.Mode mode : spec.modes()) {
      float[] part =
          switch (mode) {
            case CLS -> raw.cls();
            case MAX -> raw.max();
            case MEAN -> raw.mean();
            case MEAN_SQRT_LEN -> scaled(raw.mean(), (float) Math.sqrt(tokens));
          };
      System.arraycopy(part, 0, result, offset, hidden);
      offset += hidden;
    }
    return spec.normalize() || forceNormalize ? normalized(result) : result;
  }

  /** sum / sqrt(n) = mean * n / sqrt(n) = mean * sqrt(n). */
  private static float[] scaled(float[] mean, float factor) {
    float[] out = new float[mean.length];
    for (int i = 0; i < mean.length; i++) {
      out[i] = mean[i] * factor;
    }
    return out;
  }

  /** x / max(|x|, 1e-12), as torch.nn.functional.normalize. */
  static float[] normalized(float[] x) {
    double sumSquares = 0;
    for (float v : x) {
      sumSquares += (double) v * v;
    }
    double norm = Math.max(Math.sqrt(sumSquares), 1e-12);
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) (x[i] / norm);
    }
    return out;
  }
}
