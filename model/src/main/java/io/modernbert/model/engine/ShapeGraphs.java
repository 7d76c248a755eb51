package io.modernbert.model.engine;

import io.modernbert.model.checkpoint.ModelWeights;
import io.modernbert.model.config.ModernBertConfig;
import io.modernbert.model.graph.BatchShape;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The graph registry of an engine: which {@link ShapeGraph} holds each batch shape, and which
 * shapes have run (are warm: compiled, or loaded from the compilation cache).
 *
 * <p>Two graphs: the serving shapes' ({@link InferenceEngine#SERVING_SLOTS} slots or fewer), built
 * when the engine loads, and the larger shapes', built on the first pass that needs one (under a
 * lock, while passes of serving shapes go on). Thread-safe: sessions run concurrently; the warm set
 * only grows.
 */
final class ShapeGraphs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceEngine.class);

  private final ModernBertConfig config;
  private final EngineOptions resolvedOptions;
  private final ModelWeights weights;
  private final List<BatchShape> shapes;
  private final ShapeGraph servingGraph;
  private final Set<BatchShape> warm = ConcurrentHashMap.newKeySet();
  private final Object largerGraphLock = new Object();
  private volatile ShapeGraph largerGraph;
  private boolean closed; // guarded by largerGraphLock

  /**
   * {@code resolvedOptions}: XLA resolved for the model; the larger shapes' graph uses its threads.
   */
  ShapeGraphs(
      ModernBertConfig config,
      EngineOptions resolvedOptions,
      ModelWeights weights,
      List<BatchShape> shapes,
      ShapeGraph servingGraph) {
    this.config = config;
    this.resolvedOptions = resolvedOptions;
    this.weights = weights;
    this.shapes = shapes;
    this.servingGraph = servingGraph;
  }

  List<BatchShape> shapes() {
    return shapes;
  }

  /** Runs one planned pass on the graph holding its shape; the shape is warm afterwards. */
  GraphRunner.Outputs run(PackedBatch batch, boolean hiddenStates) {
    BatchShape shape = batch.shape();
    if (!shapes.contains(shape)) {
      throw new IllegalArgumentException(
          "batch shape " + shape + " is not one of the engine's shapes");
    }
    GraphRunner.Outputs outputs = graphOf(shape).runner().run(batch, hiddenStates, null);
    warm.add(shape);
    return outputs;
  }

  boolean isWarm(BatchShape shape) {
    return warm.contains(shape);
  }

  int warmCount() {
    return warm.size();
  }

  /**
   * The graph holding {@code shape}'s pass; the larger shapes' graph is built on the first call
   * that needs it (ModernBERT-base bf16: about 5 s), while passes of other shapes go on.
   */
  ShapeGraph graphOf(BatchShape shape) {
    if (servingGraph.holds(shape)) {
      return servingGraph;
    }
    ShapeGraph larger = largerGraph;
    if (larger != null) {
      return larger;
    }
    synchronized (largerGraphLock) {
      if (closed) {
        throw new IllegalStateException("the engine is closed");
      }
      if (largerGraph == null) {
        long start = System.nanoTime();
        List<BatchShape> rest =
            shapes.stream().filter(candidate -> !servingGraph.holds(candidate)).toList();
        largerGraph = ShapeGraph.build(config, resolvedOptions, rest, weights);
        LOG.info(
            String.format(
                Locale.ROOT,
                "built the %d batch shapes larger than %,d slots in %.1f s",
                rest.size(),
                InferenceEngine.SERVING_SLOTS,
                (System.nanoTime() - start) / 1e9));
      }
      return largerGraph;
    }
  }

  boolean largerGraphBuilt() {
    return largerGraph != null;
  }

  @Override
  public void close() {
    synchronized (largerGraphLock) {
      closed = true;
      if (largerGraph != null) {
        largerGraph.close();
      }
    }
    servingGraph.close();
  }
}
