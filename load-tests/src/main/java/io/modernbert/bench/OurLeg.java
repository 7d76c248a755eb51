package io.modernbert.bench;

import io.modernbert.model.engine.EngineDiagnostics;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.engine.PackedBatch;
import io.modernbert.model.graph.BatchShape;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Our engine, in one precision, on one workload. The caller loads the engine and closes it after
 * the workload's pairs. A timed run plans the documents (packing is part of our work) and runs the
 * passes, discarding their outputs.
 */
final class OurLeg implements Leg {
  private final InferenceEngine engine;
  private final String name;
  private final Workload load;
  private final double usefulFlops;
  private final double ceilingGflops;
  private int compiledAfterWarmUp;

  OurLeg(InferenceEngine engine, String name, Workload load, double ceilingGflops) {
    this.engine = engine;
    this.name = name;
    this.load = load;
    this.usefulFlops = Flops.workload(engine.config(), load);
    this.ceilingGflops = ceilingGflops;
  }

  @Override
  public String engine() {
    return name;
  }

  /** Runs every shape this workload's plan uses once (XLA compiles each then). */
  @Override
  public void warmUp() {
    Set<BatchShape> shapes = new LinkedHashSet<>();
    engine.plan(load.documents()).forEach(batch -> shapes.add(batch.shape()));
    engine.warmUp(shapes);
    compiledAfterWarmUp = engine.compilations();
  }

  @Override
  public Measurement run() {
    long slots = 0;
    long start = System.nanoTime();
    for (PackedBatch batch : engine.plan(load.documents())) {
      EngineDiagnostics.runForTiming(engine, batch);
      slots += batch.shape().slots();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Measurement(
        load.name(),
        name,
        load.documents().size(),
        load.tokens(),
        slots,
        seconds,
        usefulFlops,
        ceilingGflops);
  }

  /** "2 shapes compiled at warm-up, 2 after the pairs": equal when no pair compiled anything. */
  String compilations() {
    return String.format(
        Locale.ROOT,
        "%d shapes compiled at warm-up, %d after the pairs",
        compiledAfterWarmUp,
        engine.compilations());
  }

  /**
   * Where our time goes on this workload: one more, untimed, traced run of every pass, the op types
   * with the largest summed time first ("MatMul 41.2%, ...").
   */
  String profile() {
    List<PackedBatch> passes = engine.plan(load.documents());
    Map<String, Long> byType = new LinkedHashMap<>();
    for (PackedBatch batch : passes) {
      EngineDiagnostics.profile(engine, batch)
          .forEach((type, micros) -> byType.merge(type, micros, Long::sum));
    }
    long total = byType.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "PROFILE %s %s (%d passes, %.0f ms of op time):",
                name,
                load.name(),
                passes.size(),
                total / 1e3));
    byType.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(16)
        .forEach(
            e ->
                line.append(
                    String.format(
                        Locale.ROOT, " %s %.1f%%,", e.getKey(), 100.0 * e.getValue() / total)));
    return line.toString();
  }
}
