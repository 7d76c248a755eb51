package io.modernbert.model.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A ModernBERT {@code config.json}, in either spelling found on the hub.
 *
 * <p>Legacy checkpoints (transformers 4.x) say {@code global_attn_every_n_layers}, {@code
 * global_rope_theta} and {@code local_rope_theta}; transformers 5 writes {@code layer_types} and
 * {@code rope_parameters}. Both become the same record: one {@link LayerType} and one RoPE theta
 * per layer.
 *
 * <p>Why one class of this size: the record and its parser belong together; most of the length is
 * reading both spellings of config.json (transformers' and the original release's) with an error
 * per bad field.
 */
public record ModernBertConfig(
    Architecture architecture,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    List<LayerType> layerTypes,
    int localAttention,
    double globalRopeTheta,
    double localRopeTheta,
    double normEps,
    boolean normBias,
    boolean attentionBias,
    boolean mlpBias,
    boolean classifierBias,
    Activation hiddenActivation,
    Activation classifierActivation,
    Pooling classifierPooling,
    int maxPositionEmbeddings,
    Map<Integer, String> id2label,
    ProblemType problemType,
    int clsTokenId,
    int sepTokenId,
    int padTokenId) {

  /** The model classes whose checkpoints we load; each fixes the weight-name prefix and heads. */
  public enum Architecture {
    MODEL("ModernBertModel"),
    MASKED_LM("ModernBertForMaskedLM"),
    SEQUENCE_CLASSIFICATION("ModernBertForSequenceClassification");

    private final String hfName;

    Architecture(String hfName) {
      this.hfName = hfName;
    }

    public String hfName() {
      return hfName;
    }
  }

  /** How token states become one vector per document. */
  public enum Pooling {
    CLS,
    MEAN
  }

  public enum ProblemType {
    SINGLE_LABEL,
    MULTI_LABEL,
    REGRESSION
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double DEFAULT_GLOBAL_ROPE_THETA = 160_000.0;
  private static final double DEFAULT_LOCAL_ROPE_THETA = 10_000.0;

  // Bounds far beyond any ModernBERT (large: 28 layers, width 1,024, 50,368 tokens), so that a
  // broken or hostile config.json fails with a message instead of a division by zero or an
  // allocation of billions of entries (both found by CheckpointFilesFuzzTest).
  private static final int MAX_LAYERS = 1_024;
  private static final int MAX_WIDTH = 65_536;
  private static final int MAX_VOCABULARY = 10_000_000;
  private static final int MAX_LABELS = 1_000_000;

  public ModernBertConfig {
    layerTypes = List.copyOf(layerTypes);
    id2label = Map.copyOf(id2label);
    if (hiddenSize % numAttentionHeads != 0) {
      throw new IllegalArgumentException(
          "hidden_size "
              + hiddenSize
              + " is not a multiple of num_attention_heads "
              + numAttentionHeads);
    }
    if (layerTypes.size() != numHiddenLayers) {
      throw new IllegalArgumentException(
          "layer_types has "
              + layerTypes.size()
              + " entries but num_hidden_layers is "
              + numHiddenLayers);
    }
  }

  public int headDim() {
    return hiddenSize / numAttentionHeads;
  }

  public boolean isClassifier() {
    return architecture == Architecture.SEQUENCE_CLASSIFICATION;
  }

  public int numLabels() {
    return id2label.size();
  }

  public String label(int index) {
    return id2label.getOrDefault(index, "LABEL_" + index);
  }

  /** Reads {@code <modelDir>/config.json}; every failure names the file. */
  public static ModernBertConfig load(Path modelDir) {
    return load(modelDir, "config.json");
  }

  /** Reads {@code <dir>/<fileName>}; every failure names the file. */
  public static ModernBertConfig load(Path dir, String fileName) {
    Path file = dir.resolve(fileName);
    try {
      return fromJson(JSON.readTree(Files.readString(file)));
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          file + ": file not found (a ModernBERT model folder needs config.json)", e);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException(file + ": " + e.getMessage(), e);
    }
  }

  public static ModernBertConfig fromJson(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    String modelType = json.path("model_type").asText("");
    if (!modelType.isEmpty() && !modelType.equals("modernbert")) {
      throw new IllegalArgumentException(
          "model_type is '" + modelType + "', expected 'modernbert'");
    }
    int layers = requiredInt(json, "num_hidden_layers", 1, MAX_LAYERS);
    ModernBertConfig.Pooling pooling =
        switch (json.path("classifier_pooling").asText("cls")) {
          case "cls" -> Pooling.CLS;
          case "mean" -> Pooling.MEAN;
          default ->
              throw new IllegalArgumentException(
                  "unsupported classifier_pooling '"
                      + json.path("classifier_pooling").asText()
                      + "'");
        };
    return new ModernBertConfig(
        architecture(json),
        requiredInt(json, "vocab_size", 1, MAX_VOCABULARY),
        requiredInt(json, "hidden_size", 1, MAX_WIDTH),
        requiredInt(json, "intermediate_size", 1, 4 * MAX_WIDTH),
        layers,
        requiredInt(json, "num_attention_heads", 1, MAX_WIDTH),
        layerTypes(json, layers),
        json.path("local_attention").asInt(128),
        ropeTheta(json, LayerType.FULL_ATTENTION),
        ropeTheta(json, LayerType.SLIDING_ATTENTION),
        json.path("norm_eps").asDouble(1e-5),
        json.path("norm_bias").asBoolean(false),
        json.path("attention_bias").asBoolean(false),
        json.path("mlp_bias").asBoolean(false),
        json.path("classifier_bias").asBoolean(false),
        Activation.fromJson(json.path("hidden_activation").asText("gelu")),
        Activation.fromJson(json.path("classifier_activation").asText("gelu")),
        pooling,
        json.path("max_position_embeddings").asInt(8192),
        id2label(json),
        problemType(json),
        json.path("cls_token_id").asInt(50281),
        json.path("sep_token_id").asInt(50282),
        json.path("pad_token_id").asInt(50283));
  }

  private static Architecture architecture(JsonNode json) {
    JsonNode names = json.path("architectures");
    if (!names.isArray() || names.isEmpty()) {
      return Architecture.MODEL;
    }
    String name = names.get(0).asText();
    for (Architecture architecture : Architecture.values()) {
      if (architecture.hfName.equals(name)) {
        return architecture;
      }
    }
    List<String> known = new ArrayList<>();
    for (Architecture architecture : Architecture.values()) {
      known.add(architecture.hfName);
    }
    throw new IllegalArgumentException(
        "unknown architectures entry '" + name + "'; supported: " + String.join(", ", known));
  }

  private static List<LayerType> layerTypes(JsonNode json, int layers) {
    List<LayerType> types = new ArrayList<>(layers);
    JsonNode explicit = json.get("layer_types");
    if (explicit != null && explicit.isArray()) {
      explicit.forEach(node -> types.add(LayerType.fromJson(node.asText())));
      return types;
    }
    // Legacy spelling: layer i is global when i is a multiple of global_attn_every_n_layers.
    int every = json.path("global_attn_every_n_layers").asInt(3);
    if (every < 1) {
      throw new IllegalArgumentException(
          "global_attn_every_n_layers must be at least 1, not " + every);
    }
    for (int layer = 0; layer < layers; layer++) {
      types.add(layer % every == 0 ? LayerType.FULL_ATTENTION : LayerType.SLIDING_ATTENTION);
    }
    return types;
  }

  private static double ropeTheta(JsonNode json, LayerType type) {
    JsonNode parameters = json.path("rope_parameters").path(type.jsonName()).path("rope_theta");
    if (parameters.isNumber()) {
      return parameters.asDouble();
    }
    String rope =
        json.path("rope_parameters").path(type.jsonName()).path("rope_type").asText("default");
    if (!rope.equals("default")) {
      throw new IllegalArgumentException(
          "unsupported rope_type '" + rope + "' for " + type.jsonName());
    }
    if (type == LayerType.FULL_ATTENTION) {
      return json.path("global_rope_theta").asDouble(DEFAULT_GLOBAL_ROPE_THETA);
    }
    // Legacy: a null local_rope_theta means sliding layers share the global theta.
    JsonNode local = json.get("local_rope_theta");
    if (local != null && local.isNull()) {
      return json.path("global_rope_theta").asDouble(DEFAULT_GLOBAL_ROPE_THETA);
    }
    return json.path("local_rope_theta").asDouble(DEFAULT_LOCAL_ROPE_THETA);
  }

  private static Map<Integer, String> id2label(JsonNode json) {
    Map<Integer, String> labels = new TreeMap<>();
    JsonNode node = json.path("id2label");
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      labels.put(Integer.parseInt(entry.getKey()), entry.getValue().asText());
    }
    int numLabels = json.path("num_labels").asInt(labels.size());
    if (numLabels < 0 || numLabels > MAX_LABELS || labels.size() > MAX_LABELS) {
      throw new IllegalArgumentException(
          "num_labels and id2label must hold 0 to " + MAX_LABELS + " labels, not " + numLabels);
    }
    for (int i = 0; i < numLabels; i++) {
      labels.putIfAbsent(i, "LABEL_" + i);
    }
    return new LinkedHashMap<>(labels);
  }

  private static ProblemType problemType(JsonNode json) {
    return switch (json.path("problem_type").asText("single_label_classification")) {
      case "multi_label_classification" -> ProblemType.MULTI_LABEL;
      case "regression" -> ProblemType.REGRESSION;
      default -> ProblemType.SINGLE_LABEL;
    };
  }

  private static int requiredInt(JsonNode json, String key, int min, int max) {
    JsonNode node = json.get(key);
    if (node == null || !node.canConvertToInt()) {
      throw new IllegalArgumentException("missing or non-integer '" + key + "'");
    }
    int value = node.asInt();
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "'" + key + "' is " + value + "; expected " + min + " to " + max);
    }
    return value;
  }
}
