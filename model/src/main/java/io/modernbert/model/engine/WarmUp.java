package io.modernbert.model.engine;

import io.modernbert.model.graph.BatchShape;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs batch shapes of an engine once each, {@link InferenceEngine#WARM_UP_PARALLELISM} at a time,
 * so that XLA compiles them (or loads them from the {@link CompilationCache}) before traffic needs
 * them: a progress line per shape, and a total naming the shapes and the cache entries written.
 */
final class WarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceEngine.class);

  private final InferenceEngine engine;
  private final Optional<CompilationCache> cache;

  WarmUp(InferenceEngine engine, Optional<CompilationCache> cache) {
    this.engine = engine;
    this.cache = cache;
  }

  void run(Collection<BatchShape> selected) {
    long start = System.nanoTime();
    long entriesBefore = cache.map(CompilationCache::entries).orElse(0L);
    List<BatchShape> toRun = List.copyOf(selected);
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(InferenceEngine.WARM_UP_PARALLELISM, THREADS);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (BatchShape shape : toRun) {
        runs.add(
            pool.submit(
                () -> {
                  double seconds = engine.warmUp(shape);
                  LOG.info(
                      String.format(
                          Locale.ROOT,
                          "warm-up %d/%d: batch shape %s (%,d slots) in %.1f s",
                          done.incrementAndGet(),
                          toRun.size(),
                          shape,
                          shape.slots(),
                          seconds));
                }));
      }
      for (Future<?> run : runs) {
        await(run);
      }
    } finally {
      pool.shutdownNow();
    }
    LOG.info(
        String.format(
            Locale.ROOT,
            "warm-up done: %d batch shapes (%s) in %.1f s (precision %s, XLA %s%s)",
            toRun.size(),
            toRun.stream().map(BatchShape::toString).collect(Collectors.joining(" ")),
            (System.nanoTime() - start) / 1e9,
            engine.options().precision(),
            engine.options().xla().resolve(engine.config().hiddenSize()),
            cache
                .map(CompilationCache::entries)
                .map(
                    entries ->
                        String.format(
                            Locale.ROOT,
                            "; compilation cache: %d new entries, %d in all",
                            entries - entriesBefore,
                            entries))
                .orElse("")));
  }

  private static final ThreadFactory THREADS =
      runnable -> {
        Thread thread = new Thread(runnable, "modernbert-warm-up");
        thread.setDaemon(true);
        return thread;
      };

  private static void await(Future<?> run) {
    try {
      run.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("warm-up interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new IllegalStateException("warm-up failed", e.getCause());
    }
  }
}
