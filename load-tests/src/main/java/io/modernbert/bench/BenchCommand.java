package io.modernbert.bench;

import io.modernbert.model.checkpoint.RandomCheckpoint;
import io.modernbert.model.checkpoint.SafetensorsDType;
import io.modernbert.model.config.ModernBertConfig;
import io.modernbert.model.engine.EngineDiagnostics;
import io.modernbert.model.engine.EngineOptions;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.engine.PackedBatch;
import io.modernbert.model.engine.XlaMode;
import io.modernbert.model.graph.BatchShape;
import io.modernbert.model.graph.Precision;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code modernbert bench}: our engine and the ONNX Runtime peer on the same documents, in one
 * process, one after the other. Prints a table and one {@code RATIO <workload> <ours/peer>} line
 * per workload (tokens per second); {@code lognormal-sorted} compares with the peer's length-sorted
 * run.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark our engine against ONNX Runtime on the same ModernBERT-base-shaped documents.")
final class BenchCommand implements Callable<Integer> {
  private static final String ALL = "fixed:128,fixed:512,fixed:2048,fixed:8192,lognormal";

  @Spec private CommandSpec spec;

  @Option(
      names = "--workloads",
      defaultValue = ALL,
      split = ",",
      description = "Comma-separated: fixed:L, lognormal (default: all).")
  private List<String> workloads;

  @Option(
      names = "--model",
      description =
          "Our model folder (default: a random ModernBERT-base written to the work folder).")
  private Path model;

  @Option(
      names = "--peer",
      description =
          "Folder with mb-base.onnx and mb-base.layout.json (default: ../shared/peers/onnx).")
  private Path peerDir;

  @Option(names = "--no-peer", description = "Run only our engine.")
  private boolean noPeer;

  @Option(
      names = "--work",
      description = "Work folder for generated weights (default: load-tests/target/bench).")
  private Path work;

  @Option(
      names = "--precision",
      defaultValue = "FP32,BF16",
      split = ",",
      description = "Our precisions to run (default FP32,BF16); the RATIO lines use the first.")
  private List<Precision> precisions;

  @Option(
      names = "--xla",
      defaultValue = "AUTO",
      paramLabel = "MODE",
      description =
          "What XLA compiles in our engine: AUTO (default; ELEMENTWISE on ModernBERT-base), OFF, ELEMENTWISE or FULL.")
  private XlaMode xla;

  @Option(
      names = "--profile",
      description =
          "Also print where our time goes (per TensorFlow op type), summed over every pass of each workload, after its timed run.")
  private boolean profile;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "Threads for both engines (default 2).")
  private int threads;

  @Option(
      names = "--lognormal-docs",
      defaultValue = "400",
      description = "Documents in the lognormal workload (default 400).")
  private int lognormalDocuments;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of the documents (default 42).")
  private long seed;

  private PrintWriter err;

  @Override
  public Integer call() throws Exception {
    err = spec.commandLine().getErr();
    Path home = Path.of(System.getProperty("modernbert.home", ".")).toAbsolutePath().normalize();
    Path workDir = work != null ? work : home.resolve("load-tests/target/bench");
    Path peer = peerDir != null ? peerDir : home.resolve("../shared/peers/onnx");
    Path ours = model != null ? model : randomBase(home, workDir);

    List<Workload> loads = new ArrayList<>();
    for (String name : workloads) {
      loads.add(Workload.parse(name.trim(), lognormalDocuments, seed));
    }
    Map<Precision, Double> ceilings = new EnumMap<>(Precision.class);
    for (Precision precision : precisions) {
      ceilings.put(precision, MatmulCeiling.measure(precision, threads, 5));
      progress(
          "matmul ceiling %s: %.1f GFLOP/s (4096x768x2304, %d threads)",
          precision, ceilings.get(precision), threads);
    }

    List<Measurement> results = new ArrayList<>();
    for (Precision precision : precisions) {
      results.addAll(runOurs(ours, precision, loads, ceilings.get(precision)));
    }
    if (!noPeer) {
      results.addAll(
          runPeer(
              peer,
              workDir.resolve("peer"),
              loads,
              ceilings.get(Precision.FP32) != null
                  ? ceilings.get(Precision.FP32)
                  : MatmulCeiling.measure(Precision.FP32, threads, 5)));
    }
    report(results);
    return 0;
  }

  private Path randomBase(Path home, Path workDir) throws Exception {
    Path folder = workDir.resolve("modernbert-base-random");
    if (!Files.exists(folder.resolve("model.safetensors"))) {
      Path config = home.resolve("../shared/modernbert/config-base.json");
      progress("writing a random ModernBERT-base checkpoint to %s", folder);
      RandomCheckpoint.write(
          config, config.resolveSibling("tokenizer.json"), folder, SafetensorsDType.F32, 42);
    }
    return folder;
  }

  private List<Measurement> runOurs(
      Path folder, Precision precision, List<Workload> loads, double ceiling) {
    EngineOptions options =
        EngineOptions.defaults()
            .withThreads(threads)
            .withPrecision(precision)
            .withXla(xla)
            .withWarmup(false);
    String name = engineName(precision);
    List<Measurement> results = new ArrayList<>();
    try (InferenceEngine engine = InferenceEngine.load(folder, options)) {
      Map<Workload, List<PackedBatch>> plans = new LinkedHashMap<>();
      Set<BatchShape> used = new LinkedHashSet<>();
      for (Workload load : loads) {
        plans.put(load, engine.plan(load.documents()));
        plans.get(load).forEach(batch -> used.add(batch.shape()));
      }
      engine.warmUp(used);
      int compiledAfterWarmup = engine.compilations();
      for (Workload load : loads) {
        long slots = 0;
        long start = System.nanoTime();
        for (PackedBatch batch : engine.plan(load.documents())) {
          EngineDiagnostics.runForTiming(engine, batch);
          slots += batch.shape().slots();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Measurement m =
            new Measurement(
                load.name(),
                name,
                load.documents().size(),
                load.tokens(),
                slots,
                seconds,
                usefulFlops(engine.config(), load),
                ceiling);
        progress("%s on %s: %.1f tokens/s", name, load.name(), m.tokensPerSecond());
        results.add(m);
        if (profile) {
          printProfile(name, load.name(), engine, plans.get(load));
        }
      }
      progress(
          "%s: %d shapes compiled at warm-up, %d after the runs",
          name, compiledAfterWarmup, engine.compilations());
    }
    return results;
  }

  private void printProfile(
      String engineName, String workload, InferenceEngine engine, List<PackedBatch> passes) {
    Map<String, Long> byType = new LinkedHashMap<>();
    for (PackedBatch batch : passes) {
      EngineDiagnostics.profile(engine, batch)
          .forEach((type, micros) -> byType.merge(type, micros, Long::sum));
    }
    long total = byType.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder line = new StringBuilder();
    byType.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(16)
        .forEach(
            e ->
                line.append(
                    String.format(
                        Locale.ROOT, " %s %.1f%%,", e.getKey(), 100.0 * e.getValue() / total)));
    progress(
        "PROFILE %s %s (%d passes, %.0f ms of op time):%s",
        engineName, workload, passes.size(), total / 1e3, line);
  }

  /** "ours fp32", with the XLA mode when it is not the default. */
  private String engineName(Precision precision) {
    String name = "ours " + precision.name().toLowerCase(Locale.ROOT);
    return xla == XlaMode.AUTO ? name : name + " xla=" + xla.name().toLowerCase(Locale.ROOT);
  }

  /** The model FLOPs of a workload's documents, without padding (the same for both engines). */
  private static double usefulFlops(ModernBertConfig config, Workload load) {
    double flops = 0;
    for (int[] document : load.documents()) {
      flops += Flops.document(config, document.length);
    }
    return flops;
  }

  private List<Measurement> runPeer(Path peer, Path workDir, List<Workload> loads, double ceiling)
      throws Exception {
    List<Measurement> results = new ArrayList<>();
    ModernBertConfig base =
        ModernBertConfig.load(peer.resolve("../../modernbert"), "config-base.json");
    try (OnnxPeer onnx = OnnxPeer.open(peer, workDir, threads)) {
      onnx.run(Workload.fixed(128, 8, seed).documents()); // first-run allocations, untimed
      for (Workload load : loads) {
        if (load.name().equals("lognormal")) {
          results.add(
              timePeer(
                  onnx,
                  load,
                  "onnxruntime arrival",
                  PeerBatches.arrival(load.documents()),
                  base,
                  ceiling));
          results.add(
              timePeer(
                  onnx,
                  load,
                  "onnxruntime sorted",
                  PeerBatches.sorted(load.documents()),
                  base,
                  ceiling));
        } else {
          results.add(
              timePeer(
                  onnx, load, "onnxruntime", PeerBatches.fixed(load.documents()), base, ceiling));
        }
      }
    }
    return results;
  }

  private Measurement timePeer(
      OnnxPeer onnx,
      Workload load,
      String name,
      List<List<int[]>> batches,
      ModernBertConfig config,
      double ceiling)
      throws Exception {
    long start = System.nanoTime();
    long slots = 0;
    for (int i = 0; i < batches.size(); i++) {
      slots += onnx.run(batches.get(i));
      if ((i + 1) % 4 == 0) {
        progress(
            "  %s on %s: batch %d/%d, %.0f s",
            name, load.name(), i + 1, batches.size(), (System.nanoTime() - start) / 1e9);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Measurement m =
        new Measurement(
            load.name(),
            name,
            load.documents().size(),
            load.tokens(),
            slots,
            seconds,
            usefulFlops(config, load),
            ceiling);
    progress("%s on %s: %.1f tokens/s", name, load.name(), m.tokensPerSecond());
    return m;
  }

  private void report(List<Measurement> results) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(Measurement.header());
    results.forEach(m -> out.println(m.row()));
    String ours = engineName(precisions.get(0));
    for (Measurement m : results) {
      if (!m.engine().equals(ours)) {
        continue;
      }
      for (Measurement peer : results) {
        if (!peer.workload().equals(m.workload()) || !peer.engine().startsWith("onnxruntime")) {
          continue;
        }
        String workload =
            peer.engine().endsWith("sorted") ? m.workload() + "-sorted" : m.workload();
        out.printf(
            Locale.ROOT, "RATIO %s %.2f%n", workload, m.tokensPerSecond() / peer.tokensPerSecond());
      }
    }
    if (precisions.contains(Precision.FP32) && precisions.contains(Precision.BF16)) {
      for (Measurement bf16 : results) {
        if (!bf16.engine().startsWith("ours bf16")) {
          continue;
        }
        results.stream()
            .filter(m -> m.workload().equals(bf16.workload()) && m.engine().startsWith("ours fp32"))
            .forEach(
                fp32 ->
                    out.printf(
                        Locale.ROOT,
                        "SPEEDUP bf16/fp32 %s %.2f%n",
                        bf16.workload(),
                        bf16.tokensPerSecond() / fp32.tokensPerSecond()));
      }
    }
    out.flush();
  }

  private void progress(String format, Object... args) {
    err.println("bench: " + String.format(Locale.ROOT, format, args));
    err.flush();
  }
}
