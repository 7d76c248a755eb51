package io.modernbert.model.checkpoint;

import io.modernbert.model.config.ModernBertConfig;
import io.modernbert.model.graph.GraphBuilder.WeightSpec;
import io.modernbert.model.graph.ModernBertGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Graph;

/**
 * Writes a loadable model folder with random weights for any ModernBERT config: config.json,
 * tokenizer.json and model.safetensors with exactly the tensors the graph expects, under the
 * architecture's key layout. For benchmarks and tests: speed does not depend on the weights.
 */
public final class RandomCheckpoint {
  /** transformers' ModernBERT initializer_range. */
  private static final double INIT_STD = 0.02;

  private RandomCheckpoint() {}

  /**
   * @return the number of parameters written
   */
  public static long write(
      Path configFile, Path tokenizerFile, Path out, SafetensorsDType dtype, long seed)
      throws IOException {
    Path configDir = configFile.toAbsolutePath().getParent();
    ModernBertConfig config = ModernBertConfig.load(configDir, configFile.getFileName().toString());
    if (!Files.isRegularFile(tokenizerFile)) {
      throw new IllegalArgumentException(
          tokenizerFile + ": not found; a model folder needs a tokenizer.json");
    }
    Files.createDirectories(out);
    copyWritable(configFile, out.resolve("config.json"));
    copyWritable(tokenizerFile, out.resolve("tokenizer.json"));

    Map<String, float[]> tensors = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    SplittableRandom random = new SplittableRandom(seed);
    long parameters = 0;
    try (Graph graph = new Graph()) {
      for (WeightSpec weight : ModernBertGraph.build(graph, config).weights().values()) {
        float[] values = new float[Math.toIntExact(weight.shape().size())];
        fill(weight.name(), values, random);
        String name = ModelWeights.checkpointName(config.architecture(), weight.name());
        tensors.put(name, values);
        shapes.put(name, weight.shape().asArray());
        parameters += values.length;
      }
    }
    SafetensorsWriter.write(
        out.resolve("model.safetensors"), tensors, shapes, dtype, Map.of("format", "pt"));
    return parameters;
  }

  private static void copyWritable(Path source, Path target) throws IOException {
    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    target.toFile().setWritable(true);
  }

  /** Norm weights 1 and biases 0 (as a fresh transformers model); matrices N(0, 0.02). */
  private static void fill(String name, float[] values, SplittableRandom random) {
    boolean bias = name.endsWith(".bias");
    boolean norm = name.contains("norm.");
    for (int i = 0; i < values.length; i++) {
      values[i] = bias ? 0f : norm ? 1f : (float) (gaussian(random) * INIT_STD);
    }
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
  }
}
