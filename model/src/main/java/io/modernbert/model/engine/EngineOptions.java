package io.modernbert.model.engine;

import io.modernbert.model.graph.Precision;
import java.util.Objects;

/**
 * How the engine runs. Build from {@link #defaults()} with the {@code with...} methods.
 *
 * @param maxTokens longest document in tokens, [CLS] and [SEP] included; 0 means the model's
 *     max_position_embeddings (8,192 for ModernBERT)
 * @param normalize L2-normalize embeddings even when the model does not
 * @param threads TensorFlow intra-op threads; 0 means all cores
 * @param precision matmul precision: FP32, or BF16 (about twice as fast on CPUs with AVX-512 BF16)
 * @param xla how much of the graph XLA compiles (per batch shape, once); see {@link XlaMode}
 * @param batchTokens token slots per forward pass (rows x row length), at most 8,192 by default
 * @param warmup run every batch shape once at load, so no request pays for a first run
 * @param device where TensorFlow runs the graph
 */
public record EngineOptions(
    int maxTokens,
    boolean normalize,
    int threads,
    Precision precision,
    XlaMode xla,
    int batchTokens,
    boolean warmup,
    Device device) {

  /** CPU, or GPU with TensorFlow's CUDA build (Maven profile {@code -Pgpu}); untested here. */
  public enum Device {
    CPU,
    GPU
  }

  public static final int DEFAULT_BATCH_TOKENS = 8192;

  public EngineOptions {
    Objects.requireNonNull(xla, "xla");
    if (batchTokens < 1) {
      throw new IllegalArgumentException("batch tokens must be positive");
    }
  }

  /**
   * fp32, XLA {@link XlaMode#AUTO} (element-wise fusion for base-sized models and larger), all
   * cores, 8,192-token batches, warm-up on.
   */
  public static EngineOptions defaults() {
    return new EngineOptions(
        0, false, 0, Precision.FP32, XlaMode.AUTO, DEFAULT_BATCH_TOKENS, true, Device.CPU);
  }

  public EngineOptions withMaxTokens(int value) {
    return new EngineOptions(
        value, normalize, threads, precision, xla, batchTokens, warmup, device);
  }

  public EngineOptions withNormalize(boolean value) {
    return new EngineOptions(
        maxTokens, value, threads, precision, xla, batchTokens, warmup, device);
  }

  public EngineOptions withThreads(int value) {
    return new EngineOptions(
        maxTokens, normalize, value, precision, xla, batchTokens, warmup, device);
  }

  public EngineOptions withPrecision(Precision value) {
    return new EngineOptions(
        maxTokens, normalize, threads, value, xla, batchTokens, warmup, device);
  }

  public EngineOptions withXla(XlaMode value) {
    return new EngineOptions(
        maxTokens, normalize, threads, precision, value, batchTokens, warmup, device);
  }

  public EngineOptions withBatchTokens(int value) {
    return new EngineOptions(maxTokens, normalize, threads, precision, xla, value, warmup, device);
  }

  public EngineOptions withWarmup(boolean value) {
    return new EngineOptions(
        maxTokens, normalize, threads, precision, xla, batchTokens, value, device);
  }

  public EngineOptions withDevice(Device value) {
    return new EngineOptions(
        maxTokens, normalize, threads, precision, xla, batchTokens, warmup, value);
  }
}
