package io.modernbert.model.cli;

import io.modernbert.model.checkpoint.ModelWeights;
import io.modernbert.model.checkpoint.SafetensorsDType;
import io.modernbert.model.checkpoint.SafetensorsWriter;
import io.modernbert.model.config.ModernBertConfig;
import io.modernbert.model.graph.GraphBuilder.WeightSpec;
import io.modernbert.model.graph.ModernBertGraph;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
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
  /** transformers' ModernBERT initializer_range. */
  private static final double INIT_STD = 0.02;

  @Spec private CommandSpec spec;

  @Option(names = "--config", required = true, description = "A ModernBERT config.json.")
  private Path config;

  @Option(names = "--out", required = true, description = "Folder to write (created; files in it are replaced).")
  private Path out;

  @Option(names = "--tokenizer", description = "Folder with tokenizer.json (default: the config's folder).")
  private Path tokenizerDir;

  @Option(names = "--dtype", defaultValue = "F32", description = "Stored dtype: F32, F16 or BF16 (default F32).")
  private SafetensorsDType dtype;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default 42).")
  private long seed;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    Path configDir = config.toAbsolutePath().getParent();
    ModernBertConfig parsed = ModernBertConfig.load(configDir, config.getFileName().toString());
    Path tokenizer = (tokenizerDir != null ? tokenizerDir : configDir).resolve("tokenizer.json");
    if (!Files.isRegularFile(tokenizer)) {
      throw new IllegalArgumentException(tokenizer + ": not found; pass --tokenizer DIR with a tokenizer.json");
    }
    Files.createDirectories(out);
    Files.copy(config, out.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(tokenizer, out.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);

    Map<String, float[]> tensors = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    SplittableRandom random = new SplittableRandom(seed);
    long parameters = 0;
    try (Graph graph = new Graph()) {
      for (WeightSpec weight : ModernBertGraph.build(graph, parsed).weights().values()) {
        long[] shape = weight.shape().asArray();
        float[] values = new float[Math.toIntExact(weight.shape().size())];
        fill(weight.name(), values, random);
        String name = ModelWeights.checkpointName(parsed.architecture(), weight.name());
        tensors.put(name, values);
        shapes.put(name, shape);
        parameters += values.length;
      }
    }
    SafetensorsWriter.write(out.resolve("model.safetensors"), tensors, shapes, dtype, Map.of("format", "pt"));
    err.printf("wrote %s: %,d parameters (%s), %d tensors%n", out, parameters, dtype, tensors.size());
    return 0;
  }

  /** Norm weights 1 and biases 0 (as a fresh transformers model); matrices N(0, 0.02). */
  private static void fill(String name, float[] values, SplittableRandom random) {
    boolean norm = name.contains("norm.");
    boolean bias = name.endsWith(".bias");
    for (int i = 0; i < values.length; i++) {
      values[i] = norm && !bias ? 1f : bias ? 0f : (float) (gaussian(random) * INIT_STD);
    }
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
  }
}
