package io.modernbert.model.engine;

import io.modernbert.model.graph.ModernBertGraph;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Session;

/**
 * The unpacked reference pass of an engine's model: one document per run, one row of exactly its
 * length, plain masked attention on every layer, no XLA. Tests compare the packed passes against
 * it. It lives in a graph and session of its own, fed the engine's weights, so that serving graphs
 * do not carry it; close it before the engine.
 */
public final class ReferencePass implements AutoCloseable {
  private final Graph graph;
  private final Session session;
  private final GraphRunner runner;

  public ReferencePass(InferenceEngine engine) {
    this.graph = new Graph();
    try {
      ModernBertGraph model =
          ModernBertGraph.buildReference(graph, engine.config(), engine.options().precision());
      this.session = SessionFactory.open(graph, engine.options().withXla(XlaMode.OFF));
      this.runner =
          new GraphRunner(
              session,
              engine.weights(),
              List.copyOf(model.weights().values()),
              engine.config().isClassifier());
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** One document (ids with [CLS] and [SEP]) through the reference pass. */
  public RawOutputs forward(int[] ids, boolean hiddenStates) {
    int[] positions = new int[ids.length];
    Arrays.setAll(positions, i -> i);
    GraphRunner.Outputs out =
        runner.run(
            ModernBertGraph.REFERENCE_SCOPE,
            1,
            ids.length,
            ids,
            positions,
            new int[ids.length],
            new int[] {0},
            hiddenStates);
    float[][] states =
        hiddenStates ? InferenceEngine.slice(out.hidden(), out.hiddenSize(), 0, ids.length) : null;
    return new RawOutputs(
        states,
        out.mean()[0],
        out.cls()[0],
        out.max()[0],
        out.head() == null ? null : out.head()[0],
        out.logits() == null ? null : out.logits()[0]);
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
