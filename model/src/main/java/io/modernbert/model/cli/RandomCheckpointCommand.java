package io.modernbert.model.cli;

import io.modernbert.model.checkpoint.RandomCheckpoint;
import io.modernbert.model.checkpoint.SafetensorsDType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code modernbert random-checkpoint}: a loadable model folder with random weights of any
 * ModernBERT shape, for benchmarks and tests (speed does not depend on the weights).
 */
@Command(
    name = "random-checkpoint",
    mixinStandardHelpOptions = true,
    description = "Write a model folder with random weights for a ModernBERT config.json.")
final class RandomCheckpointCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(names = "--config", required = true, description = "A ModernBERT config.json.")
  private Path config;

  @Option(
      names = "--out",
      required = true,
      description = "Folder to write (created; files in it are replaced).")
  private Path out;

  @Option(
      names = "--tokenizer",
      description = "Folder with tokenizer.json (default: the config's folder).")
  private Path tokenizerDir;

  @Option(
      names = "--dtype",
      defaultValue = "F32",
      description = "Stored dtype: F32, F16 or BF16 (default F32).")
  private SafetensorsDType dtype;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default 42).")
  private long seed;

  @Override
  public Integer call() throws IOException {
    Path tokenizer =
        (tokenizerDir != null ? tokenizerDir : config.toAbsolutePath().getParent())
            .resolve("tokenizer.json");
    long parameters = RandomCheckpoint.write(config, tokenizer, out, dtype, seed);
    spec.commandLine().getErr().printf("wrote %s: %,d parameters (%s)%n", out, parameters, dtype);
    return 0;
  }
}
