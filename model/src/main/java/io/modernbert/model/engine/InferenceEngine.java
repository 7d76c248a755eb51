package io.modernbert.model.engine;

import io.modernbert.model.checkpoint.ModelWeights;
import io.modernbert.model.config.ModernBertConfig;
import io.modernbert.model.graph.GraphBuilder.WeightSpec;
import io.modernbert.model.graph.GraphNames;
import io.modernbert.model.graph.ModernBertGraph;
import io.modernbert.model.pooling.PoolingSpec;
import io.modernbert.model.tokenizer.Encoding;
import io.modernbert.model.tokenizer.ModernBertTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * ModernBERT inference on TensorFlow Java: owns the model's graph, session, weights and tokenizer.
 *
 * <p>Thread-safe: TensorFlow sessions may run concurrently, and nothing else here is mutable.
 * Every tensor made for a pass is closed when the pass ends, so native memory stays flat.
 */
public final class InferenceEngine implements AutoCloseable {
  private final Path modelDir;
  private final ModernBertConfig config;
  private final ModernBertTokenizer tokenizer;
  private final PoolingSpec pooling;
  private final EngineOptions options;
  private final Graph graph;
  private final Session session;
  private final ModelWeights weights;
  private final List<WeightSpec> weightInputs;

  private InferenceEngine(
      Path modelDir,
      ModernBertConfig config,
      ModernBertTokenizer tokenizer,
      PoolingSpec pooling,
      EngineOptions options,
      Graph graph,
      Session session,
      ModelWeights weights,
      List<WeightSpec> weightInputs) {
    this.modelDir = modelDir;
    this.config = config;
    this.tokenizer = tokenizer;
    this.pooling = pooling;
    this.options = options;
    this.graph = graph;
    this.session = session;
    this.weights = weights;
    this.weightInputs = weightInputs;
  }

  /**
   * Loads a Hugging Face ModernBERT folder: config.json, model.safetensors (or shards),
   * tokenizer.json and, for sentence-transformers models, modules.json. Fails with a message that
   * names the file or tensor at fault.
   */
  public static InferenceEngine load(Path modelDir, EngineOptions options) {
    ModernBertConfig config = ModernBertConfig.load(modelDir);
    int maxTokens = options.maxTokens() > 0 ? options.maxTokens() : config.maxPositionEmbeddings();
    if (maxTokens > config.maxPositionEmbeddings()) {
      throw new IllegalArgumentException(
          "max tokens " + maxTokens + " exceeds the model's max_position_embeddings " + config.maxPositionEmbeddings());
    }
    PoolingSpec pooling = PoolingSpec.load(modelDir, config);
    ModernBertTokenizer tokenizer = ModernBertTokenizer.load(modelDir, maxTokens);
    Graph graph = null;
    ModelWeights weights = null;
    try {
      if (tokenizer.maxTokenId() >= config.vocabSize()) {
        throw new IllegalArgumentException(
            tokenizer.tokenizerFile() + " has token ids up to " + tokenizer.maxTokenId()
                + " but " + modelDir.resolve("config.json") + " says vocab_size " + config.vocabSize()
                + ": tokenizer and model do not belong together");
      }
      graph = new Graph();
      ModernBertGraph model = ModernBertGraph.build(graph, config);
      weights = ModelWeights.load(modelDir, config, model.weights());
      Session session = new Session(graph, sessionConfig(options));
      return new InferenceEngine(
          modelDir, config, tokenizer, pooling, options, graph, session, weights,
          List.copyOf(model.weights().values()));
    } catch (RuntimeException e) {
      if (weights != null) {
        weights.close();
      }
      if (graph != null) {
        graph.close();
      }
      tokenizer.close();
      throw e;
    }
  }

  private static ConfigProto sessionConfig(EngineOptions options) {
    int threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
    return ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(threads)
        .setInterOpParallelismThreads(1)
        .build();
  }

  public ModernBertConfig config() {
    return config;
  }

  public ModernBertTokenizer tokenizer() {
    return tokenizer;
  }

  public PoolingSpec pooling() {
    return pooling;
  }

  public Path modelDir() {
    return modelDir;
  }

  /** Tokenizes (or validates ids), runs the model and scores labels; results in input order. */
  public List<EncodedDocument> encode(List<DocumentInput> documents, boolean hiddenStates) {
    List<EncodedDocument> results = new ArrayList<>(documents.size());
    for (DocumentInput document : documents) {
      Encoding encoding =
          document.text() != null ? tokenizer.encode(document.text()) : tokenizer.fromIds(document.inputIds());
      RawOutputs raw = forward(encoding.ids(), hiddenStates);
      float[] embedding = Embeddings.pool(pooling, raw, encoding.ids().length, options.normalize());
      float[] logits = raw.logits();
      results.add(
          new EncodedDocument(
              document.id(),
              encoding.ids().length,
              encoding.truncated(),
              embedding,
              logits == null ? List.of() : LabelScores.score(config, logits),
              logits,
              raw.lastHiddenState()));
    }
    return results;
  }

  /** One document's ids (with [CLS] and [SEP]) through the model, one pass, no padding. */
  public RawOutputs forward(int[] ids, boolean hiddenStates) {
    if (ids.length == 0) {
      throw new IllegalArgumentException("a document needs at least one token");
    }
    int[] positions = new int[ids.length];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = i;
    }
    try (TInt32 idsTensor = TInt32.vectorOf(ids);
        TInt32 positionTensor = TInt32.vectorOf(positions);
        TInt32 segmentTensor = TInt32.vectorOf(new int[ids.length]);
        TInt32 clsTensor = TInt32.vectorOf(0)) {
      Session.Runner runner =
          session
              .runner()
              .feed(GraphNames.INPUT_IDS, idsTensor)
              .feed(GraphNames.POSITION_IDS, positionTensor)
              .feed(GraphNames.SEGMENT_IDS, segmentTensor)
              .feed(GraphNames.CLS_INDEX, clsTensor);
      for (WeightSpec spec : weightInputs) {
        runner.feed(spec.input(), weights.tensors().get(spec.name()));
      }
      runner.fetch(GraphNames.POOLED_MEAN).fetch(GraphNames.POOLED_CLS).fetch(GraphNames.POOLED_MAX);
      if (config.isClassifier()) {
        runner.fetch(GraphNames.HEAD).fetch(GraphNames.LOGITS);
      }
      if (hiddenStates) {
        runner.fetch(GraphNames.LAST_HIDDEN_STATE);
      }
      try (Result result = runner.run()) {
        int next = 3;
        float[] head = config.isClassifier() ? firstRow(result.get(next++)) : null;
        float[] logits = config.isClassifier() ? firstRow(result.get(next++)) : null;
        float[][] hidden = hiddenStates ? matrix(result.get(next)) : null;
        return new RawOutputs(
            hidden, firstRow(result.get(0)), firstRow(result.get(1)), firstRow(result.get(2)), head, logits);
      }
    }
  }

  private static float[] firstRow(Tensor tensor) {
    return matrix(tensor)[0];
  }

  /** A rank-2 float tensor as rows. */
  private static float[][] matrix(Tensor tensor) {
    TFloat32 values = (TFloat32) tensor;
    int rows = (int) values.shape().get(0);
    int columns = (int) values.shape().get(1);
    float[] flat = new float[rows * columns];
    values.copyTo(DataBuffers.of(flat, false, false));
    float[][] result = new float[rows][];
    for (int r = 0; r < rows; r++) {
      result[r] = java.util.Arrays.copyOfRange(flat, r * columns, (r + 1) * columns);
    }
    return result;
  }

  @Override
  public void close() {
    session.close();
    weights.close();
    graph.close();
    tokenizer.close();
  }
}
