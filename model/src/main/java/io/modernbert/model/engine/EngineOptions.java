package io.modernbert.model.engine;

/**
 * How the engine runs.
 *
 * @param maxTokens longest document in tokens, [CLS] and [SEP] included; 0 means the model's
 *     max_position_embeddings (8,192 for ModernBERT)
 * @param normalize L2-normalize embeddings even when the model does not
 * @param threads TensorFlow intra-op threads; 0 means all cores
 */
public record EngineOptions(int maxTokens, boolean normalize, int threads) {
  public static EngineOptions defaults() {
    return new EngineOptions(0, false, 0);
  }

  public EngineOptions withNormalize(boolean value) {
    return new EngineOptions(maxTokens, value, threads);
  }

  public EngineOptions withMaxTokens(int value) {
    return new EngineOptions(value, normalize, threads);
  }

  public EngineOptions withThreads(int value) {
    return new EngineOptions(maxTokens, normalize, value);
  }
}
