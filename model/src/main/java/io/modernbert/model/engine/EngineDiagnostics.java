package io.modernbert.model.engine;

import io.modernbert.model.graph.BatchShape;
import io.modernbert.model.graph.ModernBertGraph;
import java.util.Arrays;

/**
 * What benchmarks and tests ask of an engine beyond encoding: a pass profiled per op type, a pass
 * timed without its outputs, and one document through the unpacked reference pass. Kept out of
 * {@link InferenceEngine}, whose job is serving.
 */
public final class EngineDiagnostics {
  private EngineDiagnostics() {}

  /**
   * Runs a planned pass with TensorFlow's step tracing and returns the wall time spent per op type
   * (microseconds, summed over ops of that type), largest first: where the time goes.
   */
  public static java.util.LinkedHashMap<String, Long> profile(
      InferenceEngine engine, PackedBatch batch) {
    java.util.Map<String, Long> byType = new java.util.HashMap<>();
    BatchShape shape = batch.shape();
    engine
        .runner()
        .run(
            shape.scope(),
            shape.rows(),
            shape.length(),
            batch.ids(),
            batch.positions(),
            batch.segments(),
            batch.clsIndex(),
            false,
            metadata -> {
              for (var device : metadata.getStepStats().getDevStatsList()) {
                for (var node : device.getNodeStatsList()) {
                  var operation = engine.graph().operation(node.getNodeName());
                  // XLA clusters run as "cluster_<n>_1/xla_run" nodes, which the graph does not
                  // hold.
                  String type =
                      operation != null
                          ? operation.type()
                          : node.getNodeName().startsWith("cluster_")
                              ? "XlaCluster"
                              : node.getNodeName().replaceAll("[_:].*", "");
                  byType.merge(type, node.getAllEndRelMicros(), Long::sum);
                }
              }
            });
    java.util.LinkedHashMap<String, Long> sorted = new java.util.LinkedHashMap<>();
    byType.entrySet().stream()
        .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /** Runs a planned pass and discards the outputs (benchmarks). */
  public static void runForTiming(InferenceEngine engine, PackedBatch batch) {
    engine.run(batch, false);
  }

  /**
   * One document through the unpacked reference pass: one row of exactly its length, plain masked
   * attention on every layer. Slow on long documents; tests compare the packed passes against it.
   */
  public static RawOutputs forwardReference(
      InferenceEngine engine, int[] ids, boolean hiddenStates) {
    int[] positions = new int[ids.length];
    Arrays.setAll(positions, i -> i);
    GraphRunner.Outputs out =
        engine
            .runner()
            .run(
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
}
