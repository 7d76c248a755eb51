package io.modernbert.model.engine;

import io.modernbert.model.checkpoint.ModelWeights;
import io.modernbert.model.config.ModernBertConfig;
import io.modernbert.model.graph.BatchShape;
import io.modernbert.model.pooling.PoolingSpec;
import io.modernbert.model.tokenizer.Encoding;
import io.modernbert.model.tokenizer.ModernBertTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ModernBERT inference on TensorFlow Java: owns the model's graphs and sessions ({@link
 * ShapeGraph}), weights and tokenizer.
 *
 * <p>Documents are packed by {@link BatchPlanner} into passes of a fixed set of shapes (no padding
 * to the longest document, several documents per row). Thread-safe: TensorFlow sessions may run
 * concurrently, and the only mutable state is the set of shapes already run and the larger shapes'
 * graph, built once under a lock on first use. Every tensor made for a pass is closed when the pass
 * ends, so native memory stays flat.
 *
 * <p>Why one class of this size: it owns the graphs, weights and tokenizer, which must be built and
 * closed together and in order; what remains here is loading, warm-up and encoding. Packing is
 * {@link BatchPlanner}, warm-up {@link WarmUp}, pooling {@link EmbeddingPooling}, scoring {@link
 * LabelScores}, long documents {@link Windows}, and the benchmark and test hooks {@link
 * EngineDiagnostics}.
 */
public final class InferenceEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceEngine.class);

  private final Path modelDir;
  private final ModernBertConfig config;
  private final ModernBertTokenizer tokenizer;
  private final PoolingSpec pooling;
  private final EngineOptions options;
  private final ModelWeights weights;
  private final List<BatchShape> shapes;
  private final ShapeGraphs graphs;
  private final ShapePolicy shapePolicy;
  private final Optional<CompilationCache> cache;

  private InferenceEngine(Builder parts) {
    this.modelDir = parts.modelDir;
    this.config = parts.config;
    this.tokenizer = parts.tokenizer;
    this.pooling = parts.pooling;
    this.options = parts.options;
    this.weights = parts.weights;
    this.shapes = parts.shapes;
    this.cache = parts.cache;
    this.graphs =
        new ShapeGraphs(config, resolved(options, config), weights, shapes, parts.servingGraph);
    this.shapePolicy = new ShapePolicy(shapes, config.padTokenId(), graphs::isWarm);
  }

  /** What load() assembles, so the constructor stays readable. */
  private static final class Builder {
    Path modelDir;
    ModernBertConfig config;
    ModernBertTokenizer tokenizer;
    PoolingSpec pooling;
    EngineOptions options;
    ModelWeights weights;
    ShapeGraph servingGraph;
    List<BatchShape> shapes;
    Optional<CompilationCache> cache = Optional.empty();
  }

  /**
   * Loads a Hugging Face ModernBERT folder: config.json, model.safetensors (or shards),
   * tokenizer.json and, for sentence-transformers models, modules.json. Fails with a message that
   * names the file or tensor at fault. Builds the graph of the {@linkplain #servingShapes() serving
   * shapes}; the larger shapes' graph is built on first use. With warm-up on, the serving shapes
   * run once before this returns (XLA compiles them then), with a progress line per shape.
   */
  public static InferenceEngine load(Path modelDir, EngineOptions options) {
    Builder parts = new Builder();
    parts.modelDir = modelDir;
    parts.options = options;
    parts.config = ModernBertConfig.load(modelDir);
    ModernBertConfig config = parts.config;
    int maxTokens = options.maxTokens() > 0 ? options.maxTokens() : config.maxPositionEmbeddings();
    if (maxTokens > config.maxPositionEmbeddings() || maxTokens > options.batchTokens()) {
      throw new IllegalArgumentException(
          "max tokens "
              + maxTokens
              + " exceeds the model's max_position_embeddings "
              + config.maxPositionEmbeddings()
              + " or the batch budget "
              + options.batchTokens());
    }
    parts.pooling = PoolingSpec.load(modelDir, config);
    // The tokenizer (about half a second of JSON) loads on another thread meanwhile.
    CompletableFuture<ModernBertTokenizer> tokenizer =
        CompletableFuture.supplyAsync(() -> ModernBertTokenizer.load(modelDir, maxTokens));
    try {
      parts.shapes =
          BatchShape.standardSet(options.batchTokens(), maxTokens, config.localAttention() / 2);
      EngineOptions resolved = resolved(options, config);
      if (resolved.xla() != XlaMode.OFF) {
        parts.cache = CompilationCache.fromEnvironment();
        parts.cache.ifPresent(CompilationCache::claim);
      }
      long start = System.nanoTime();
      // Building the first graph loads TensorFlow's native library, while the tokenizer loads.
      var weightInputs = ShapeGraph.weightInputs(config, options.precision());
      parts.tokenizer = joinUnwrapped(tokenizer);
      if (parts.tokenizer.maxTokenId() >= config.vocabSize()) {
        throw new IllegalArgumentException(
            parts.tokenizer.tokenizerFile()
                + " has token ids up to "
                + parts.tokenizer.maxTokenId()
                + " but "
                + modelDir.resolve("config.json")
                + " says vocab_size "
                + config.vocabSize()
                + ": tokenizer and model do not belong together");
      }
      parts.weights = ModelWeights.load(modelDir, config, weightInputs);
      int servingThreads = servingThreads(config, resolved);
      parts.servingGraph =
          ShapeGraph.build(
              config,
              resolved.withThreads(servingThreads),
              servingShapes(parts.shapes),
              parts.weights);
      LOG.info(
          String.format(
              Locale.ROOT,
              "loaded %s in %.1f s: %d batch shapes (the %d larger than %,d slots are built on"
                  + " first use), precision %s, XLA %s, compilation cache %s%s",
              modelDir,
              (System.nanoTime() - start) / 1e9,
              parts.shapes.size(),
              parts.shapes.size() - servingShapes(parts.shapes).size(),
              SERVING_SLOTS,
              options.precision(),
              resolved.xla(),
              parts
                  .cache
                  .map(cache -> cache.directory() + " (" + cache.entries() + " entries)")
                  .orElse("off"),
              servingThreads == 1
                  ? "; the serving shapes run on one thread (a small model's short passes)"
                  : ""));
    } catch (RuntimeException e) {
      closeQuietly(parts);
      if (parts.tokenizer == null) {
        tokenizer.thenAccept(ModernBertTokenizer::close);
      }
      throw e;
    }
    InferenceEngine engine = new InferenceEngine(parts);
    if (options.warmup()) {
      engine.warmUp();
    }
    return engine;
  }

  private static void closeQuietly(Builder parts) {
    if (parts.servingGraph != null) {
      parts.servingGraph.close();
    }
    if (parts.weights != null) {
      parts.weights.close();
    }
    if (parts.tokenizer != null) {
      parts.tokenizer.close();
    }
  }

  /** The loaded value; a failure is thrown as the loading thread threw it (its message intact). */
  private static <T> T joinUnwrapped(CompletableFuture<T> loading) {
    try {
      return loading.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /**
   * Runs the {@linkplain #servingShapes() serving shapes} once each, so that a request of up to
   * {@value #SERVING_SLOTS} tokens finds its shape compiled; the larger ones compile on first use
   * (or in the service's idle time), from the compilation cache when there is one.
   */
  public void warmUp() {
    warmUp(servingShapes());
  }

  /**
   * The shapes warmed up before the engine counts as ready: those of at most {@value
   * #SERVING_SLOTS} slots, which a lone request or a few short ones use. Warming all the others too
   * took ModernBERT-base (bf16) 105 s even from the compilation cache, most of it the compute of
   * the 8,192-slot passes; these 10 take 14 s.
   */
  public List<BatchShape> servingShapes() {
    return servingShapes(shapes);
  }

  private static List<BatchShape> servingShapes(List<BatchShape> shapes) {
    return shapes.stream().filter(shape -> shape.slots() <= SERVING_SLOTS).toList();
  }

  /** {@code options} with the XLA mode AUTO resolved for {@code config}. */
  private static EngineOptions resolved(EngineOptions options, ModernBertConfig config) {
    return options.withXla(options.xla().resolve(config.hiddenSize()));
  }

  /**
   * Models narrower than this run their serving shapes on one TensorFlow thread, since those passes
   * are too small to split across cores. The langid model (hidden 128, fp32) on 2 cores ran each
   * serving shape as fast or faster on one thread than on two (1x128 5.0 against 7.0 ms, 4x128 15.9
   * against 21.3, 8x128 26 against 36, 1x1024 54.3 against 54.5): its ops are too short to pay for
   * handing work to a second thread. The spare core then serves the HTTP and Kafka work around the
   * pass. ModernBERT-base (hidden 768, bf16) gains from the second thread at every serving shape
   * (1x128 102 against 122 ms on one, 8x128 372 against 546), and keeps every thread.
   *
   * <p>Only with {@value SessionFactory#OWN_THREAD_POOLS_VARIABLE} set: without it TensorFlow runs
   * every session on the first one's pool, and a one-thread serving session would leave the larger
   * shapes on one thread too (the langid model's 64x128 pass: 316 against 225 ms).
   */
  static final int ONE_THREAD_SERVING_BELOW_HIDDEN = 512;

  /** TensorFlow threads of the serving shapes' session; the larger shapes use all of them. */
  static int servingThreads(ModernBertConfig config, EngineOptions options, boolean ownPools) {
    return ownPools && config.hiddenSize() < ONE_THREAD_SERVING_BELOW_HIDDEN
        ? 1
        : options.threads();
  }

  private static int servingThreads(ModernBertConfig config, EngineOptions options) {
    return servingThreads(config, options, SessionFactory.ownThreadPools());
  }

  /** Slots of the largest {@linkplain #servingShapes() serving shape}. */
  public static final int SERVING_SLOTS = 1024;

  /**
   * Shapes warmed up at once. A shape's first run is mostly single-threaded setup (TensorFlow
   * optimizes its part of the graph, XLA compiles or loads its clusters), so two at a time overlap
   * one's setup with the other's compute (ModernBERT-base bf16, serving shapes from the cache: 23.3
   * s one at a time, 14.0 s two at a time).
   */
  public static final int WARM_UP_PARALLELISM = 2;

  /**
   * Runs each of {@code selected} (some of this engine's shapes) once, {@value
   * #WARM_UP_PARALLELISM} at a time, with a progress line per shape and the total at the end.
   */
  public void warmUp(Collection<BatchShape> selected) {
    new WarmUp(this, cache).run(selected);
  }

  /** Runs one of this engine's shapes once (XLA compiles it then); the seconds it took. */
  public double warmUp(BatchShape shape) {
    long start = System.nanoTime();
    run(BatchPlanner.single(shape, new int[] {config.clsTokenId()}, config.padTokenId()), false);
    double seconds = (System.nanoTime() - start) / 1e9;
    NativeHeap.trim(); // the first pass of a shape leaves the most freed memory behind
    return seconds;
  }

  /**
   * Whether a shape's first run costs much more than its compute: true when XLA compiles (or loads
   * from the cache) each shape on its first run. Without XLA a first run costs about what any run
   * does (the default model: 64x128 0.4 s the first time, 0.4 to 0.6 s after), so a service plans
   * on every shape instead of on warm ones only, and warms in advance only what readiness needs.
   */
  public boolean compilesShapes() {
    return resolved(options, config).xla() != XlaMode.OFF;
  }

  /** Whether {@code shape} has run at least once in this engine. */
  public boolean hasRun(BatchShape shape) {
    return graphs.isWarm(shape);
  }

  /**
   * The order in which a service warms its shapes: the serving ones (readiness), then one row of
   * every larger length (so that a document of any length finds a warm shape soon), then more rows
   * of each length, fewest first (the planner needs a length's smaller row counts before its larger
   * ones).
   */
  public List<BatchShape> warmUpOrder() {
    List<BatchShape> order = new ArrayList<>(servingShapes());
    shapes.stream()
        .filter(shape -> !order.contains(shape))
        .sorted(Comparator.comparingInt(BatchShape::rows).thenComparingInt(BatchShape::length))
        .forEach(order::add);
    return order;
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

  public EngineOptions options() {
    return options;
  }

  /** The fixed set of pass shapes this engine runs. */
  public List<BatchShape> shapes() {
    return shapes;
  }

  /**
   * How many distinct shapes have run (each is compiled once, on its first run, when XLA is on).
   */
  public int compilations() {
    return graphs.warmCount();
  }

  /**
   * Tokenizes (or validates ids), packs, runs the model and scores labels; results in input order.
   */
  public List<EncodedDocument> encode(List<DocumentInput> documents, boolean hiddenStates) {
    return encode(documents, hiddenStates, batch -> {});
  }

  /**
   * As {@link #encode(List, boolean)}, telling {@code onPass} about every pass run (for metrics).
   */
  public List<EncodedDocument> encode(
      List<DocumentInput> documents, boolean hiddenStates, Consumer<PackedBatch> onPass) {
    List<Encoding> encodings = encodings(documents);
    List<int[]> ids = encodings.stream().map(Encoding::ids).toList();
    return results(documents, encodings, forward(ids, plan(ids), hiddenStates, onPass));
  }

  /**
   * Runs {@code plan}, passes planned for these documents' ids by {@link #plan(List, ShapeScope)}
   * (each document placed exactly once; the scheduler plans to choose a pass, and this runs that
   * very pass); results in input order.
   */
  public List<EncodedDocument> encode(
      List<DocumentInput> documents,
      List<PackedBatch> plan,
      boolean hiddenStates,
      Consumer<PackedBatch> onPass) {
    List<Encoding> encodings = encodings(documents);
    int[] placed = new int[documents.size()];
    for (PackedBatch batch : plan) {
      for (PackedBatch.Placement placement : batch.placements()) {
        int document = placement.document();
        if (document < 0
            || document >= documents.size()
            || placement.length() != encodings.get(document).ids().length) {
          throw new IllegalArgumentException("the plan does not match the documents: " + placement);
        }
        placed[document]++;
      }
    }
    for (int i = 0; i < placed.length; i++) {
      if (placed[i] != 1) {
        throw new IllegalArgumentException(
            "the plan places document " + i + " " + placed[i] + " times instead of once");
      }
    }
    List<int[]> ids = encodings.stream().map(Encoding::ids).toList();
    return results(documents, encodings, forward(ids, plan, hiddenStates, onPass));
  }

  private List<Encoding> encodings(List<DocumentInput> documents) {
    List<Encoding> encodings = new ArrayList<>(documents.size());
    for (DocumentInput document : documents) {
      encodings.add(
          document.text() != null
              ? tokenizer.encode(document.text())
              : tokenizer.fromIds(document.inputIds()));
    }
    return encodings;
  }

  private List<EncodedDocument> results(
      List<DocumentInput> documents, List<Encoding> encodings, RawOutputs[] raw) {
    List<EncodedDocument> results = new ArrayList<>(documents.size());
    for (int i = 0; i < documents.size(); i++) {
      int tokens = encodings.get(i).ids().length;
      float[] logits = raw[i].logits();
      results.add(
          new EncodedDocument(
              documents.get(i).id(),
              tokens,
              encodings.get(i).truncated(),
              EmbeddingPooling.pool(pooling, raw[i], tokens, options.normalize()),
              logits == null ? List.of() : LabelScores.score(config, logits),
              logits,
              raw[i].lastHiddenState()));
    }
    return results;
  }

  /** Packs ids (with [CLS] and [SEP]) into passes and runs them; outputs in input order. */
  public RawOutputs[] forward(List<int[]> ids, boolean hiddenStates) {
    return forward(ids, plan(ids), hiddenStates, batch -> {});
  }

  private RawOutputs[] forward(
      List<int[]> ids, List<PackedBatch> plan, boolean hiddenStates, Consumer<PackedBatch> onPass) {
    RawOutputs[] outputs = new RawOutputs[ids.size()];
    for (PackedBatch batch : plan) {
      GraphRunner.Outputs out = run(batch, hiddenStates);
      onPass.accept(batch);
      List<PackedBatch.Placement> placements = batch.placements();
      for (int j = 0; j < placements.size(); j++) {
        PackedBatch.Placement placement = placements.get(j);
        float[][] states =
            hiddenStates
                ? slice(out.hidden(), out.hiddenSize(), placement.offset(), placement.length())
                : null;
        outputs[placement.document()] =
            new RawOutputs(
                states,
                out.mean()[j],
                out.cls()[j],
                out.max()[j],
                out.head() == null ? null : out.head()[j],
                out.logits() == null ? null : out.logits()[j]);
      }
    }
    return outputs;
  }

  /** One document, packed like any other. */
  public RawOutputs forward(int[] ids, boolean hiddenStates) {
    return forward(List.of(ids), hiddenStates)[0];
  }

  /** The passes the engine would run for {@code ids}, on any of its shapes. */
  public List<PackedBatch> plan(List<int[]> ids) {
    return plan(ids, ShapeScope.ALL);
  }

  /** The passes for {@code ids} on the shapes of {@code scope}, placing each document once. */
  public List<PackedBatch> plan(List<int[]> ids, ShapeScope scope) {
    return shapePolicy.plan(ids, scope, graphs.warmCount());
  }

  /** Runs one planned pass. */
  GraphRunner.Outputs run(PackedBatch batch, boolean hiddenStates) {
    return graphs.run(batch, hiddenStates);
  }

  ShapeGraph graphOf(BatchShape shape) {
    return graphs.graphOf(shape);
  }

  /** Whether the larger shapes' graph has been built (tests). */
  boolean largerGraphBuilt() {
    return graphs.largerGraphBuilt();
  }

  /** The weights, for {@link ReferencePass}. */
  ModelWeights weights() {
    return weights;
  }

  static float[][] slice(float[] flat, int hidden, int offset, int length) {
    float[][] rows = new float[length][];
    for (int t = 0; t < length; t++) {
      int start = (offset + t) * hidden;
      rows[t] = Arrays.copyOfRange(flat, start, start + hidden);
    }
    return rows;
  }

  @Override
  public void close() {
    graphs.close();
    weights.close();
    tokenizer.close();
  }
}
