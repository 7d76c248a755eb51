package io.modernbert.model.engine;

import io.modernbert.model.graph.BatchShape;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What benchmarks ask of an engine beyond encoding: a pass profiled per op type and a pass timed
 * without its outputs. Kept out of {@link InferenceEngine}, whose job is serving; the unpacked
 * reference pass that tests compare against is {@link ReferencePass}.
 */
public final class EngineDiagnostics {
  private EngineDiagnostics() {}

  /**
   * Runs a planned pass with TensorFlow's step tracing and returns the wall time spent per op type
   * (microseconds, summed over ops of that type), largest first: where the time goes.
   */
  public static LinkedHashMap<String, Long> profile(InferenceEngine engine, PackedBatch batch) {
    Map<String, Long> byType = new HashMap<>();
    BatchShape shape = batch.shape();
    ShapeGraph graph = engine.graphOf(shape);
    graph
        .runner()
        .run(
            batch,
            false,
            metadata -> {
              for (var device : metadata.getStepStats().getDevStatsList()) {
                for (var node : device.getNodeStatsList()) {
                  var operation = graph.graph().operation(node.getNodeName());
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
    LinkedHashMap<String, Long> sorted = new LinkedHashMap<>();
    byType.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /** Runs a planned pass and discards the outputs (benchmarks). */
  public static void runForTiming(InferenceEngine engine, PackedBatch batch) {
    engine.run(batch, false);
  }
}
