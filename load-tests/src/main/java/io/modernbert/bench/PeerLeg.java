package io.modernbert.bench;

import io.modernbert.model.config.ModernBertConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The ONNX Runtime peer on one workload, in batches as a user would make them ({@link
 * PeerBatches}). The caller opens the peer and closes it after the workload's pairs.
 */
final class PeerLeg implements Leg {
  private final OnnxPeer onnx;
  private final String name;
  private final Workload load;
  private final List<List<int[]>> batches;
  private final double usefulFlops;
  private final double ceilingGflops;
  private final Consumer<String> progress;

  PeerLeg(
      OnnxPeer onnx,
      String name,
      Workload load,
      List<List<int[]>> batches,
      double usefulFlops,
      double ceilingGflops,
      Consumer<String> progress) {
    this.onnx = onnx;
    this.name = name;
    this.load = load;
    this.batches = List.copyOf(batches);
    this.usefulFlops = usefulFlops;
    this.ceilingGflops = ceilingGflops;
    this.progress = progress;
  }

  /**
   * The peer's legs of a workload: {@code lognormal} twice, in arrival order (what users do) and
   * sorted by length; any other workload once, in batches of about 1,024 tokens.
   */
  static List<PeerLeg> of(
      OnnxPeer onnx,
      Workload load,
      ModernBertConfig config,
      double ceilingGflops,
      Consumer<String> progress) {
    double flops = Flops.workload(config, load);
    if (load.name().equals("lognormal")) {
      return List.of(
          new PeerLeg(
              onnx,
              "onnxruntime arrival",
              load,
              PeerBatches.arrival(load.documents()),
              flops,
              ceilingGflops,
              progress),
          new PeerLeg(
              onnx,
              "onnxruntime sorted",
              load,
              PeerBatches.sorted(load.documents()),
              flops,
              ceilingGflops,
              progress));
    }
    return List.of(
        new PeerLeg(
            onnx,
            "onnxruntime",
            load,
            PeerBatches.fixed(load.documents()),
            flops,
            ceilingGflops,
            progress));
  }

  @Override
  public String engine() {
    return name;
  }

  /**
   * Runs one batch of each distinct [documents, padded length] twice. ONNX Runtime's first run of
   * an input shape traces its allocations into a memory pattern, cached per input shape, that later
   * runs of that shape allocate as one block; both grow its arena, which it keeps. After this, a
   * timed run only reuses what is there. On {@code lognormal} nearly every batch is a shape of its
   * own, so this costs about two untimed legs.
   */
  @Override
  public void warmUp() throws Exception {
    Map<List<Integer>, List<int[]>> byShape = new LinkedHashMap<>();
    for (List<int[]> batch : batches) {
      byShape.putIfAbsent(List.of(batch.size(), longest(batch)), batch);
    }
    long start = System.nanoTime();
    for (List<int[]> batch : byShape.values()) {
      onnx.run(batch);
      onnx.run(batch);
    }
    progress.accept(
        String.format(
            Locale.ROOT,
            "%s on %s: warm-up ran each of its %d batch shapes twice, %.0f s",
            name,
            load.name(),
            byShape.size(),
            (System.nanoTime() - start) / 1e9));
  }

  @Override
  public Measurement run() throws Exception {
    long start = System.nanoTime();
    long slots = 0;
    for (int i = 0; i < batches.size(); i++) {
      slots += onnx.run(batches.get(i));
      if ((i + 1) % 4 == 0) {
        progress.accept(
            String.format(
                Locale.ROOT,
                "  %s on %s: batch %d/%d, %.0f s",
                name,
                load.name(),
                i + 1,
                batches.size(),
                (System.nanoTime() - start) / 1e9));
      }
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

  private static int longest(List<int[]> batch) {
    return batch.stream().mapToInt(d -> d.length).max().orElseThrow();
  }
}
