package io.modernbert.model.pooling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modernbert.model.config.ModernBertConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a model turns token states into its embedding: the sentence-transformers modules when the
 * folder has {@code modules.json} (Transformer, Pooling, optional Normalize), else the config's
 * {@code classifier_pooling} over the final norm output, not normalized.
 *
 * @param modes pooled vectors to concatenate, in sentence-transformers' order
 * @param normalize whether the model itself L2-normalizes its embedding
 */
public record PoolingSpec(List<Mode> modes, boolean normalize) {

  /** sentence-transformers pooling modes we run; the order is the order of concatenation. */
  public enum Mode {
    CLS("pooling_mode_cls_token"),
    MAX("pooling_mode_max_tokens"),
    MEAN("pooling_mode_mean_tokens"),
    MEAN_SQRT_LEN("pooling_mode_mean_sqrt_len_tokens");

    private final String configKey;

    Mode(String configKey) {
      this.configKey = configKey;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TRANSFORMER = "sentence_transformers.models.Transformer";
  private static final String POOLING = "sentence_transformers.models.Pooling";
  private static final String NORMALIZE = "sentence_transformers.models.Normalize";
  private static final List<String> UNSUPPORTED_POOLING =
      List.of("pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken");

  public PoolingSpec {
    modes = List.copyOf(modes);
    if (modes.isEmpty()) {
      throw new IllegalArgumentException("no pooling mode selected");
    }
  }

  /** Reads {@code modules.json} when present, else derives the spec from {@code config}. */
  public static PoolingSpec load(Path modelDir, ModernBertConfig config) {
    Path modulesFile = modelDir.resolve("modules.json");
    if (!Files.exists(modulesFile)) {
      Mode mode =
          config.classifierPooling() == ModernBertConfig.Pooling.MEAN ? Mode.MEAN : Mode.CLS;
      return new PoolingSpec(List.of(mode), false);
    }
    try {
      return fromModules(modelDir, JSON.readTree(Files.readString(modulesFile)));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(modulesFile + ": " + e.getMessage(), e);
    }
  }

  private static PoolingSpec fromModules(Path modelDir, JsonNode modules) throws IOException {
    if (!modules.isArray()) {
      throw new IllegalArgumentException("expected a JSON array of modules");
    }
    List<Mode> modes = null;
    boolean normalize = false;
    for (JsonNode module : modules) {
      String type = module.path("type").asText();
      switch (type) {
        case TRANSFORMER -> {
          // the encoder itself: this folder's config.json and weights
        }
        case POOLING ->
            modes =
                poolingModes(modelDir.resolve(module.path("path").asText()).resolve("config.json"));
        case NORMALIZE -> normalize = true;
        default ->
            throw new IllegalArgumentException(
                "unsupported sentence-transformers module '"
                    + type
                    + "' (supported: Transformer, Pooling, Normalize)");
      }
    }
    if (modes == null) {
      throw new IllegalArgumentException("no " + POOLING + " module");
    }
    return new PoolingSpec(modes, normalize);
  }

  private static List<Mode> poolingModes(Path poolingConfig) throws IOException {
    JsonNode json;
    try {
      json = JSON.readTree(Files.readString(poolingConfig));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read pooling config " + poolingConfig + ": " + e.getMessage(), e);
    }
    for (String key : UNSUPPORTED_POOLING) {
      if (json.path(key).asBoolean(false)) {
        throw new IllegalArgumentException(poolingConfig + ": " + key + " is not supported");
      }
    }
    List<Mode> modes = new ArrayList<>();
    for (Mode mode : Mode.values()) {
      if (json.path(mode.configKey).asBoolean(false)) {
        modes.add(mode);
      }
    }
    if (modes.isEmpty()) {
      throw new IllegalArgumentException(poolingConfig + ": no pooling mode is enabled");
    }
    return modes;
  }
}
