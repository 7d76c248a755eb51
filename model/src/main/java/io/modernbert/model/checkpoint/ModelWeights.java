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
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;

/**
 * The checkpoint's weights as TensorFlow tensors, keyed by graph weight name, in the element type
 * each graph input asks for (float32, or bfloat16 for matrices in BF16 mode).
 *
 * <p>Maps the key layouts of {@code ModernBertModel} (no prefix), {@code ModernBertForMaskedLM} and
 * {@code ModernBertForSequenceClassification} (encoder under {@code model.}, heads at the top) onto
 * the graph's names. Every weight the graph needs must be there with the right shape, and every
 * tensor in the checkpoint must be used or be a known head we do not run (the masked-LM decoder):
 * anything else means the folder is not the model config.json describes.
 */
public final class ModelWeights implements AutoCloseable {
  private final Map<String, Tensor> tensors;

  private ModelWeights(Map<String, Tensor> tensors) {
    this.tensors = tensors;
  }

  public Map<String, Tensor> tensors() {
    return Collections.unmodifiableMap(tensors);
  }

  /** Loads the weights {@code expected} by the graph, converting from F32/F16/BF16 as needed. */
  public static ModelWeights load(
      Path modelDir, ModernBertConfig config, Map<String, WeightSpec> expected) {
    try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(modelDir)) {
      Map<String, String> checkpointNames = new LinkedHashMap<>();
      for (String graphName : expected.keySet()) {
        checkpointNames.put(graphName, checkpointName(config.architecture(), graphName));
      }
      validate(modelDir, config, checkpoint, expected, checkpointNames);
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      try {
        for (WeightSpec spec : expected.values()) {
          float[] values = checkpoint.readFloats(checkpointNames.get(spec.name()));
          tensors.put(spec.name(), toTensor(spec, values));
        }
      } catch (RuntimeException e) {
        tensors.values().forEach(Tensor::close);
        throw e;
      }
      return new ModelWeights(tensors);
    }
  }

  private static Tensor toTensor(WeightSpec spec, float[] values) {
    if (spec.type() == TBfloat16.class) {
      // Round to nearest even ourselves: exact for BF16 checkpoints, the best bf16 for F32 ones.
      short[] bits = new short[values.length];
      for (int i = 0; i < values.length; i++) {
        bits[i] = HalfFloats.floatToBf16(values[i]);
      }
      TBfloat16 tensor = TBfloat16.tensorOf(spec.shape());
      tensor.asRawTensor().data().asShorts().write(bits);
      return tensor;
    }
    TFloat32 tensor = TFloat32.tensorOf(spec.shape());
    tensor.copyFrom(DataBuffers.of(values, true, false));
    return tensor;
  }

  /** Where graph weight {@code graphName} is stored in a checkpoint of {@code architecture}. */
  public static String checkpointName(Architecture architecture, String graphName) {
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
            modelDir
                + ": missing tensor '"
                + name
                + "' (config.json describes a "
                + config.architecture().hfName()
                + " with "
                + config.numHiddenLayers()
                + " layers)");
      }
      long[] wanted = spec.shape().asArray();
      if (!Arrays.equals(info.shape(), wanted)) {
        throw new CheckpointException(
            modelDir
                + ": tensor '"
                + name
                + "' has shape "
                + Arrays.toString(info.shape())
                + " but config.json implies "
                + Arrays.toString(wanted));
      }
    }
    Set<String> unexpected = new TreeSet<>(available.keySet());
    unexpected.removeAll(checkpointNames.values());
    unexpected.removeIf(name -> isKnownUnusedHead(config.architecture(), name));
    if (!unexpected.isEmpty()) {
      throw new CheckpointException(
          modelDir
              + ": unexpected tensor(s) "
              + unexpected.stream().limit(5).toList()
              + (unexpected.size() > 5 ? " and " + (unexpected.size() - 5) + " more" : "")
              + " not used by a "
              + config.architecture().hfName()
              + " as described by config.json");
    }
  }

  /** The masked-LM prediction head and decoder are loaded by transformers but not run by us. */
  private static boolean isKnownUnusedHead(Architecture architecture, String name) {
    return architecture == Architecture.MASKED_LM
        && (name.startsWith("head.") || name.startsWith("decoder."));
  }

  @Override
  public void close() {
    tensors.values().forEach(Tensor::close);
  }
}
