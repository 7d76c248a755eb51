package io.modernbert.stream.scheduler;

import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.graph.BatchShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's warm-up, on a thread of its own beside the lanes: no lane ever waits for a shape
 * to compile or load while a warm one can hold its pass (lanes plan on warm shapes only).
 *
 * <p>Before ready: the serving shapes, {@link InferenceEngine#WARM_UP_PARALLELISM} at a time, and,
 * without XLA, one row of every longer length too, so that every document, of any length, then runs
 * on a warm shape. After, with XLA: the larger shapes in {@link InferenceEngine#warmUpOrder()} (one
 * row of every length first), one at a time and only while the engine is idle. A warm-up pass runs
 * beside the lanes on the same cores: on the default model at 20 documents/s, warming every larger
 * shape after ready took the first 15 s and made p99 over the first minute 1.1 s; the one-row
 * shapes are the costly ones (global attention over up to 8,192 slots: 1x8192 alone took 2.5 s),
 * and they now run before ready. Without XLA the multi-row ones are not warmed at all: their first
 * real pass costs what a warm-up pass would.
 */
final class ShapeWarmUp implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(BatchScheduler.class);

  private final InferenceEngine engine;
  private final JobQueue queue;
  private final Runnable onServingShapesWarm;

  ShapeWarmUp(InferenceEngine engine, JobQueue queue, Runnable onServingShapesWarm) {
    this.engine = engine;
    this.queue = queue;
    this.onServingShapesWarm = onServingShapesWarm;
  }

  @Override
  public void run() {
    long start = System.nanoTime();
    List<BatchShape> serving = new ArrayList<>(engine.servingShapes());
    if (!engine.compilesShapes()) {
      // Cheap without XLA (the default model: 14 shapes in 3.6 s). With XLA the longer rows are
      // the costly ones (ModernBERT-base bf16 from the cache: ready in 64 s with them, against 14
      // without), so there they warm first after ready, and a lane plans on warm shapes meanwhile.
      engine.warmUpOrder().stream()
          .filter(shape -> shape.rows() == 1 && !serving.contains(shape))
          .forEach(serving::add);
    }
    try {
      engine.warmUp(serving);
    } catch (RuntimeException e) {
      LOG.error("warm-up failed; the shapes compile on first use instead: {}", e.toString(), e);
    }
    onServingShapesWarm.run();
    LOG.info(
        String.format(
            Locale.ROOT,
            "ready: the %d serving batch shapes (up to %,d slots)%s ran in %.1f s; the %d larger"
                + " ones warm while the engine is idle",
            engine.servingShapes().size(),
            InferenceEngine.SERVING_SLOTS,
            serving.size() > engine.servingShapes().size()
                ? " and one row of every longer length"
                : "",
            (System.nanoTime() - start) / 1e9,
            engine.shapes().size() - serving.size()));
    if (!engine.compilesShapes()) {
      // Without XLA a shape's first real pass costs about what a warm-up pass would, and a
      // warm-up pass beside traffic only competes with it for the cores.
      LOG.info("the larger batch shapes run on first use (no XLA: a first run costs its compute)");
      return;
    }
    List<BatchShape> larger =
        engine.warmUpOrder().stream().filter(shape -> !serving.contains(shape)).toList();
    int total = engine.shapes().size();
    int done = serving.size();
    for (BatchShape shape : larger) {
      done++;
      if (engine.hasRun(shape)) {
        continue; // a document needed it first
      }
      if (!queue.awaitIdle()) {
        return;
      }
      try {
        double seconds = engine.warmUp(shape);
        LOG.info(
            String.format(
                Locale.ROOT,
                "warm-up %d/%d (while idle): batch shape %s (%,d slots) in %.1f s",
                done,
                total,
                shape,
                shape.slots(),
                seconds));
      } catch (RuntimeException e) {
        LOG.error(
            "warm-up of batch shape {} failed; it compiles on first use instead: {}",
            shape,
            e.toString(),
            e);
      }
    }
    LOG.info(
        String.format(
            Locale.ROOT,
            "warm-up done: all %d batch shapes have run, %.1f s after the start",
            total,
            (System.nanoTime() - start) / 1e9));
  }
}
