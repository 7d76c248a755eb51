package io.modernbert.model.cli;

import io.modernbert.model.engine.EngineOptions;
import io.modernbert.model.engine.XlaMode;
import io.modernbert.model.graph.Precision;
import picocli.CommandLine.Option;

/** The engine's run options as command-line flags, shared by the commands that load a model. */
public final class EngineFlags {
  @Option(
      names = "--precision",
      defaultValue = "FP32",
      description = "Matmul precision: FP32 or BF16 (default FP32).")
  Precision precision;

  @Option(
      names = "--xla",
      defaultValue = "AUTO",
      paramLabel = "MODE",
      description =
          "What XLA compiles: AUTO (default: ELEMENTWISE for hidden size 512 and up, else OFF), OFF,"
              + " ELEMENTWISE (the ops between matmuls) or FULL (everything; for GPU).")
  XlaMode xla;

  @Option(
      names = "--batch-tokens",
      defaultValue = "8192",
      description = "Token slots per forward pass (default 8192).")
  int batchTokens;

  // picocli: a negatable option that is true by default is declared by its negative name.
  @Option(
      names = "--no-warmup",
      negatable = true,
      defaultValue = "true",
      description = "Skip running every batch shape once at start (warm-up is on by default).")
  boolean warmup;

  @Option(
      names = "--device",
      defaultValue = "CPU",
      description = "CPU or GPU (GPU needs the -Pgpu build; untested).")
  EngineOptions.Device device;

  public EngineOptions apply(EngineOptions base) {
    return base.withPrecision(precision)
        .withXla(xla)
        .withBatchTokens(batchTokens)
        .withWarmup(warmup)
        .withDevice(device);
  }
}
