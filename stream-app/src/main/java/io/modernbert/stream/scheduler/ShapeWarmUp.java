package io.modernbert.stream.scheduler;

import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.graph.BatchShape;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's warm-up, on a thread of its own beside the lanes: no lane ever waits for a shape
 * to compile or load while a warm one can hold its pass (lanes plan on warm shapes only).
 *
 * <p>First the serving shapes, {@link InferenceEngine#WARM_UP_PARALLELISM} at a time (readiness:
 * every HTTP request and short document then runs warm); then the larger ones in {@link
 * InferenceEngine#warmUpOrder()} (one row of every length first), one at a time and only while the
 * engine is idle, so a warm-up pass delays at most the documents that arrive during it.
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
    List<BatchShape> serving = engine.servingShapes();
    try {
      engine.warmUp(serving);
    } catch (RuntimeException e) {
      LOG.error("warm-up failed; the shapes compile on first use instead: {}", e.toString(), e);
    }
    onServingShapesWarm.run();
    LOG.info(
        String.format(
            Locale.ROOT,
            "ready: the %d serving batch shapes (up to %,d slots) ran in %.1f s; the %d larger ones"
                + " warm while the engine is idle",
            serving.size(),
            InferenceEngine.SERVING_SLOTS,
            (System.nanoTime() - start) / 1e9,
            engine.shapes().size() - serving.size()));
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
