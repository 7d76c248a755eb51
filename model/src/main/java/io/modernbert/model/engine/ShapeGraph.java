package io.modernbert.model.engine;

import io.modernbert.model.checkpoint.ModelWeights;
import io.modernbert.model.config.ModernBertConfig;
import io.modernbert.model.graph.BatchShape;
import io.modernbert.model.graph.GraphBuilder;
import io.modernbert.model.graph.ModernBertGraph;
import io.modernbert.model.graph.Precision;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Session;

/**
 * One graph and session holding the packed passes of some of an engine's batch shapes.
 *
 * <p>An engine has two: the serving shapes, built when it loads, and the larger ones, built on
 * their first use. Building, marking for XLA and opening a session take time in proportion to the
 * graph's size (ModernBERT-base bf16: 8.9 s for the 28 shapes of the set before the 1,536-token
 * rows, 4.1 s for the 10 serving shapes), and a start only needs the serving shapes. Both graphs
 * read the same weights: they are inputs, fed from the engine's one {@link ModelWeights}.
 */
final class ShapeGraph implements AutoCloseable {
  private final List<BatchShape> shapes;
  private final Graph graph;
  private final Session session;
  private final GraphRunner runner;

  private ShapeGraph(List<BatchShape> shapes, Graph graph, Session session, GraphRunner runner) {
    this.shapes = shapes;
    this.graph = graph;
    this.session = session;
    this.runner = runner;
  }

  /**
   * The weight inputs of every graph for {@code config} in {@code precision}, by name: what the
   * checkpoint must hold, in the types the graphs are fed.
   */
  static Map<String, GraphBuilder.WeightSpec> weightInputs(
      ModernBertConfig config, Precision precision) {
    try (Graph graph = new Graph()) {
      return ModernBertGraph.build(graph, config, precision, List.of()).weights();
    }
  }

  /**
   * Builds the passes of {@code shapes} into a new graph (marked for XLA in {@link
   * XlaMode#ELEMENTWISE}) and opens its session. {@code options.xla()} must be resolved.
   */
  static ShapeGraph build(
      ModernBertConfig config,
      EngineOptions options,
      List<BatchShape> shapes,
      ModelWeights weights) {
    Graph graph = new Graph();
    Session session = null;
    try {
      ModernBertGraph model = ModernBertGraph.build(graph, config, options.precision(), shapes);
      if (options.xla() == XlaMode.ELEMENTWISE) {
        Graph marked =
            XlaFusion.mark(
                graph, shapes.stream().map(BatchShape::scope).toList(), options.precision());
        graph.close();
        graph = marked;
        // Marking goes through the graph as protobuf objects, hundreds of MB of garbage that the
        // JVM kept as committed heap for good (ModernBERT-base: 1.37 GB committed, peak resident
        // over the service's whole warm-up 5.1 to 5.3 GB). A full collection now gives it back
        // (98 MB committed, peak 4.0 GB).
        System.gc();
      }
      session = SessionFactory.open(graph, options);
      GraphRunner runner =
          new GraphRunner(
              session, weights, List.copyOf(model.weights().values()), config.isClassifier());
      return new ShapeGraph(List.copyOf(shapes), graph, session, runner);
    } catch (RuntimeException e) {
      if (session != null) {
        session.close();
      }
      graph.close();
      throw e;
    }
  }

  boolean holds(BatchShape shape) {
    return shapes.contains(shape);
  }

  GraphRunner runner() {
    return runner;
  }

  /** The graph, for {@link EngineDiagnostics} (op types of profiled nodes). */
  Graph graph() {
    return graph;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
