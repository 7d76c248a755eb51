package io.modernbert.stream.topology;

import io.modernbert.model.config.ModernBertConfig;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.engine.LabelScore;
import io.modernbert.model.pooling.PoolingSpec;
import io.modernbert.schemas.Embedding;
import io.modernbert.schemas.Labels;
import io.modernbert.schemas.PendingDocument;
import io.modernbert.stream.scheduler.PassSummary;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Builds the output messages from the engine's results; the headers every output carries. */
public final class OutputRecords {
  public static final String MODEL_HEADER = "modernbert.model";
  public static final String INFERENCE_MS_HEADER = "modernbert.inference.ms";
  public static final String BATCH_DOCUMENTS_HEADER = "modernbert.batch.documents";
  public static final String BATCH_TOKENS_HEADER = "modernbert.batch.tokens";

  /** Token slots the pass computed, padding included: tokens / slots is how full it was. */
  public static final String BATCH_SLOTS_HEADER = "modernbert.batch.slots";

  /**
   * The scheduler's pass id, {@code <instance>/<sequence>}: outputs with equal values were encoded
   * in one pass.
   */
  public static final String BATCH_ID_HEADER = "modernbert.batch.id";

  private OutputRecords() {}

  /** The headers of every output of {@code pass}. */
  static Headers headers(String modelName, PassSummary pass) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(MODEL_HEADER, utf8(modelName));
    headers.add(INFERENCE_MS_HEADER, utf8(Long.toString(pass.modelMillis())));
    headers.add(BATCH_DOCUMENTS_HEADER, utf8(Integer.toString(pass.documents())));
    headers.add(BATCH_TOKENS_HEADER, utf8(Integer.toString(pass.tokens())));
    headers.add(BATCH_SLOTS_HEADER, utf8(Integer.toString(pass.slots())));
    headers.add(BATCH_ID_HEADER, utf8(pass.id()));
    return headers;
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  static Embedding embedding(
      ProcessorSettings settings,
      InferenceEngine engine,
      PendingDocument source,
      EncodedDocument result,
      long now) {
    List<Float> vector = new ArrayList<>(result.embedding().length);
    for (float value : result.embedding()) {
      vector.add(value);
    }
    PoolingSpec pooling = engine.pooling();
    return Embedding.newBuilder()
        .setId(source.getId())
        .setModel(settings.modelName())
        .setVector(vector)
        .setDimensions(vector.size())
        .setPooling(
            pooling.modes().stream()
                .map(m -> m.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining("+")))
        .setNormalized(pooling.normalize() || engine.options().normalize())
        .setTokens(result.tokens())
        .setTruncated(source.getTruncated())
        .setWindows(result.windows())
        .setAttributes(source.getAttributes())
        .setCreatedAt(source.getCreatedAt())
        .setProcessedAt(Instant.ofEpochMilli(now))
        .build();
  }

  static Labels labels(
      ProcessorSettings settings,
      InferenceEngine engine,
      PendingDocument source,
      EncodedDocument result,
      long now) {
    List<io.modernbert.schemas.LabelScore> labels = new ArrayList<>();
    for (LabelScore label : result.labels()) {
      labels.add(new io.modernbert.schemas.LabelScore(label.label(), label.score()));
    }
    return Labels.newBuilder()
        .setId(source.getId())
        .setModel(settings.modelName())
        .setLabels(labels)
        .setProblemType(problemType(engine.config().problemType()))
        .setTokens(result.tokens())
        .setTruncated(source.getTruncated())
        .setWindows(result.windows())
        .setAttributes(source.getAttributes())
        .setCreatedAt(source.getCreatedAt())
        .setProcessedAt(Instant.ofEpochMilli(now))
        .build();
  }

  private static String problemType(ModernBertConfig.ProblemType type) {
    return switch (type) {
      case SINGLE_LABEL -> "single_label_classification";
      case MULTI_LABEL -> "multi_label_classification";
      case REGRESSION -> "regression";
    };
  }
}
