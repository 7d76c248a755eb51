package io.modernbert.model.checkpoint;

import io.modernbert.model.config.ModernBertConfig;
import io.modernbert.model.config.ModernBertConfig.Architecture;
import io.modernbert.model.graph.GraphBuilder.WeightSpec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * The checkpoint's weights as TensorFlow tensors, keyed by graph weight name.
 *
 * <p>Maps the key layouts of {@code ModernBertModel} (no prefix), {@code ModernBertForMaskedLM}
 * and {@code ModernBertForSequenceClassification} (encoder under {@code model.}, heads at the top)
 * onto the graph's names. Every weight the graph needs must be there with the right shape, and
 * every tensor in the checkpoint must be used or be a known head we do not run (the masked-LM
 * decoder): anything else means the folder is not the model config.json describes.
 */
public final class ModelWeights implements AutoCloseable {
  private final Map<String, TFloat32> tensors;

  private ModelWeights(Map<String, TFloat32> tensors) {
    this.tensors = tensors;
  }

  public Map<String, TFloat32> tensors() {
    return Collections.unmodifiableMap(tensors);
  }

  /** Loads the weights {@code expected} by the graph, converting F16/BF16 to float32. */
  public static ModelWeights load(Path modelDir, ModernBertConfig config, Map<String, WeightSpec> expected) {
    try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(modelDir)) {
      Map<String, String> checkpointNames = new LinkedHashMap<>();
      for (String graphName : expected.keySet()) {
        checkpointNames.put(graphName, checkpointName(config.architecture(), graphName));
      }
      validate(modelDir, config, checkpoint, expected, checkpointNames);
      Map<String, TFloat32> tensors = new LinkedHashMap<>();
      try {
        for (WeightSpec spec : expected.values()) {
          float[] values = checkpoint.readFloats(checkpointNames.get(spec.name()));
          TFloat32 tensor = TFloat32.tensorOf(spec.shape());
          tensors.put(spec.name(), tensor);
          tensor.copyFrom(DataBuffers.of(values, true, false));
        }
      } catch (RuntimeException e) {
        tensors.values().forEach(TFloat32::close);
        throw e;
      }
      return new ModelWeights(tensors);
    }
  }

  static String checkpointName(Architecture architecture, String graphName) {
    boolean topLevel = graphName.startsWith("head.") || graphName.startsWith("classifier.");
    return architecture == Architecture.MODEL || topLevel ? graphName : "model." + graphName;
  }

  private static void validate(
      Path modelDir,
      ModernBertConfig config,
      SafetensorsCheckpoint checkpoint,
      Map<String, WeightSpec> expected,
      Map<String, String> checkpointNames) {
    Map<String, TensorInfo> available = checkpoint.tensors();
    for (WeightSpec spec : expected.values()) {
      String name = checkpointNames.get(spec.name());
      TensorInfo info = available.get(name);
      if (info == null) {
        throw new CheckpointException(
            modelDir + ": missing tensor '" + name + "' (config.json describes a "
                + config.architecture().hfName() + " with " + config.numHiddenLayers() + " layers)");
      }
      long[] wanted = spec.shape().asArray();
      if (!Arrays.equals(info.shape(), wanted)) {
        throw new CheckpointException(
            modelDir + ": tensor '" + name + "' has shape " + Arrays.toString(info.shape())
                + " but config.json implies " + Arrays.toString(wanted));
      }
    }
    Set<String> unexpected = new TreeSet<>(available.keySet());
    unexpected.removeAll(checkpointNames.values());
    unexpected.removeIf(name -> isKnownUnusedHead(config.architecture(), name));
    if (!unexpected.isEmpty()) {
      throw new CheckpointException(
          modelDir + ": unexpected tensor(s) " + unexpected.stream().limit(5).toList()
              + (unexpected.size() > 5 ? " and " + (unexpected.size() - 5) + " more" : "")
              + " not used by a " + config.architecture().hfName() + " as described by config.json");
    }
  }

  /** The masked-LM prediction head and decoder are loaded by transformers but not run by us. */
  private static boolean isKnownUnusedHead(Architecture architecture, String name) {
    return architecture == Architecture.MASKED_LM
        && (name.startsWith("head.") || name.startsWith("decoder."));
  }

  @Override
  public void close() {
    tensors.values().forEach(TFloat32::close);
  }
}
