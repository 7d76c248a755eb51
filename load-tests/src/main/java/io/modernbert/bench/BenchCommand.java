package io.modernbert.bench;

import io.modernbert.model.checkpoint.RandomCheckpoint;
import io.modernbert.model.checkpoint.SafetensorsDType;
import io.modernbert.model.config.ModernBertConfig;
import io.modernbert.model.engine.EngineOptions;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.engine.XlaMode;
import io.modernbert.model.graph.Precision;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code modernbert bench}: our engine and the ONNX Runtime peer on the same documents, in one
 * process, as pairs.
 *
 * <p>Pairs: for each workload, every engine runs once, back to back, then again in the reverse
 * order, {@code --pairs} times in all ({@link Pairs}). The machine's speed drifts over minutes:
 * when all of ours ran first and all of the peer's after, one full run gave ours/peer 0.70 on
 * {@code fixed:128} and 0.86 on {@code fixed:512}, while a run of those two workloads alone gave
 * 1.12 and 1.24 the same hour. A pair's ratio compares two runs next to each other, and the
 * headline ratio is the median of the pairs' ratios, printed with each pair's ratio and their range
 * ({@link BenchReport}). The default of 4 pairs is the smallest even count whose median leaves out
 * the lowest and highest pair: even, so that each engine runs first as often as second and an order
 * effect cancels in the median rather than deciding it (with 3, two pairs of one order outvote one
 * of the other).
 *
 * <p>Warm-up: before its first pair, each engine is warmed on that workload's own shapes, outside
 * any timing: ours compiles and runs each shape its plan uses, the peer runs each distinct batch
 * shape twice ({@link PeerLeg#warmUp()}).
 *
 * <p>Memory: each workload loads its engines (ours once per precision, and the peer), warms them,
 * runs its pairs and closes them, so they are loaded together for one workload at a time. ONNX
 * Runtime keeps the arena it grew until its session closes: a peer kept for the whole run would
 * hold the arena of its largest workload (the full run of 2026-11-27, ours first and then the peer,
 * never both loaded, peaked at 22.5 GB resident, nearly all of it the peer's) while ours ran every
 * later workload. Per workload, the peak is that workload's own: the peer's arena plus our weights
 * and largest pass (one 8,192-token document: 3.0 GB resident in fp32 alone). On {@code fixed:8192}
 * that sum may come near this machine's 24 GB, which has no swap; it has not been measured yet. So
 * the peer warms up first and ours after it: if the two do not fit, the kernel ends this process
 * (the largest) during that warm-up rather than minutes into the pairs, and the RATIO lines of the
 * workloads done before are on stderr already. After each workload a progress line gives its peak
 * resident memory, its engines loaded together.
 *
 * <p>Prints the table, the pairs and the {@code RATIO} and {@code SPEEDUP} lines ({@link
 * BenchReport}) on stdout, progress on stderr; each workload's RATIO lines also go to stderr as
 * soon as it is done. {@code lognormal-sorted} compares with the peer's length-sorted run.
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
      names = "--pairs",
      defaultValue = "4",
      paramLabel = "N",
      description =
          "Pairs per workload (default 4, even so that each order runs as often): in each, every"
              + " engine runs once, back to back, in the reverse order of the pair before, so that"
              + " the machine's drift over minutes stays out of each pair's ratio and the order"
              + " evens out across pairs. RATIO is the median of the pairs' ratios, printed with"
              + " each of them and their range. The run takes about N times one run of every"
              + " engine, plus the warm-up.")
  private int pairs;

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
      description =
          "Our precisions to run (default FP32,BF16); the RATIO lines use the first, which runs"
              + " next to the peer in every pair.")
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
          "Also print where our time goes (per TensorFlow op type), summed over every pass of each workload, after its pairs.")
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
    if (pairs < 1) {
      throw new ParameterException(spec.commandLine(), "--pairs must be at least 1: " + pairs);
    }
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
    if (!noPeer && !ceilings.containsKey(Precision.FP32)) {
      ceilings.put(Precision.FP32, MatmulCeiling.measure(Precision.FP32, threads, 5));
    }

    List<PairedRun> runs = new ArrayList<>();
    for (Workload load : loads) {
      PairedRun run = runPairs(load, ours, peer, workDir.resolve("peer"), ceilings);
      BenchReport.lines(List.of(run), engineName(precisions.get(0))).stream()
          .filter(line -> line.startsWith("RATIO") || line.startsWith("SPEEDUP"))
          .forEach(line -> progress("%s", line));
      runs.add(run);
    }
    PrintWriter out = spec.commandLine().getOut();
    BenchReport.lines(runs, engineName(precisions.get(0))).forEach(out::println);
    out.flush();
    return 0;
  }

  /** One workload: its engines loaded, warmed and paired, then closed (see the class comment). */
  private PairedRun runPairs(
      Workload load, Path ours, Path peerDir, Path peerWork, Map<Precision, Double> ceilings)
      throws Exception {
    if (!ProcessMemory.resetPeak()) {
      System.err.println(
          "bench: cannot reset the memory peak here; the peak on "
              + load.name()
              + " covers the whole run so far");
    }
    List<InferenceEngine> engines = new ArrayList<>();
    OnnxPeer onnx = null;
    try {
      List<OurLeg> ourLegs = new ArrayList<>();
      for (Precision precision : precisions) {
        InferenceEngine engine = InferenceEngine.load(ours, options(precision));
        engines.add(engine);
        ourLegs.add(new OurLeg(engine, engineName(precision), load, ceilings.get(precision)));
      }
      List<PeerLeg> peerLegs = List.of();
      if (!noPeer) {
        onnx = OnnxPeer.open(peerDir, peerWork, threads);
        ModernBertConfig base =
            ModernBertConfig.load(peerDir.resolve("../../modernbert"), "config-base.json");
        peerLegs =
            PeerLeg.of(
                onnx, load, base, ceilings.get(Precision.FP32), line -> progress("%s", line));
      }
      PairedRun run =
          Pairs.run(load.name(), ourLegs, peerLegs, pairs, line -> progress("%s", line));
      for (OurLeg leg : ourLegs) {
        progress("%s on %s: %s", leg.engine(), load.name(), leg.compilations());
        if (profile) {
          progress("%s", leg.profile());
        }
      }
      progress(
          "memory on %s, its engines loaded together: %s", load.name(), ProcessMemory.describe());
      return run;
    } finally {
      for (InferenceEngine engine : engines) {
        engine.close();
      }
      if (onnx != null) {
        onnx.close();
      }
    }
  }

  private EngineOptions options(Precision precision) {
    return EngineOptions.defaults()
        .withThreads(threads)
        .withPrecision(precision)
        .withXla(xla)
        .withWarmup(false);
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

  /** "ours fp32", with the XLA mode when it is not the default. */
  private String engineName(Precision precision) {
    String name = "ours " + precision.name().toLowerCase(Locale.ROOT);
    return xla == XlaMode.AUTO ? name : name + " xla=" + xla.name().toLowerCase(Locale.ROOT);
  }

  private void progress(String format, Object... args) {
    err.println("bench: " + String.format(Locale.ROOT, format, args));
    err.flush();
  }
}
