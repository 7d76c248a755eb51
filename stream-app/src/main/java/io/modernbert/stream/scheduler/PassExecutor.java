package io.modernbert.stream.scheduler;

import io.modernbert.model.engine.DocumentInput;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.engine.PackedBatch;
import io.modernbert.model.engine.ShapeScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a lane's passes and hands every job its outcome, isolating faults.
 *
 * <p>A failed pass is retried once; if it fails again, it is split in halves, recursively, until
 * the documents that fail on their own are found. When only some fail, they fail (the others got
 * their results). When all of them fail, a probe document ([CLS] [SEP]) tells the two cases apart:
 * if the model runs it, the documents are at fault and fail; if not, the model itself is broken (a
 * bad model, out of memory), and {@code onModelBroken} is told (the scheduler stops).
 */
final class PassExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(BatchScheduler.class);

  private final InferenceEngine engine;
  private final PassRunner runner;
  private final PassObserver observer;
  private final String instance;
  private final AtomicLong passes = new AtomicLong();
  private final BiConsumer<RuntimeException, List<QueuedJob>> onModelBroken;

  PassExecutor(
      InferenceEngine engine,
      PassRunner runner,
      PassObserver observer,
      String instance,
      BiConsumer<RuntimeException, List<QueuedJob>> onModelBroken) {
    this.engine = engine;
    this.runner = runner;
    this.observer = observer;
    this.instance = instance;
    this.onModelBroken = onModelBroken;
  }

  /** Runs the selected pass (as planned), then delivers every job's outcome. */
  void run(PassSelector.Selected selected) {
    List<QueuedJob> pass = selected.jobs();
    RuntimeException failure;
    try {
      attempt(pass, List.of(selected.pass()));
      return;
    } catch (RuntimeException first) {
      LOG.warn("pass of {} documents failed ({}); retrying it once", pass.size(), first.toString());
      try {
        attempt(pass, planned(pass));
        return;
      } catch (RuntimeException second) {
        failure = second;
      }
    }
    List<QueuedJob> failed = new ArrayList<>();
    isolate(pass, failure, failed);
    if (failed.size() == pass.size() && !modelRuns()) {
      onModelBroken.accept(failure, failed);
      return;
    }
    for (QueuedJob queued : failed) {
      InferenceJob job = queued.job();
      LOG.error(
          "document {} ({} tokens) fails inference on its own: {}",
          job.id(),
          job.tokens(),
          failure.toString());
      deliver(job, null, failure, new PassSummary(instance + "/failed", 1, job.tokens(), 0, 0));
    }
  }

  /** Warm passes for {@code jobs} (a retry, or a half of a failed pass). */
  private List<PackedBatch> planned(List<QueuedJob> jobs) {
    return engine.plan(
        jobs.stream().map(q -> q.job().tokenIds()).toList(), ShapeScope.warm(Integer.MAX_VALUE));
  }

  /** Whether the model runs at all: a two-token probe document, twice. */
  private boolean modelRuns() {
    int[] probe = {engine.config().clsTokenId(), engine.config().sepTokenId()};
    for (int attempt = 1; attempt <= 2; attempt++) {
      try {
        runner.run(
            List.of(DocumentInput.ids("probe", probe)),
            engine.plan(List.of(probe), ShapeScope.warm(InferenceEngine.SERVING_SLOTS)),
            false,
            packed -> {});
        return true;
      } catch (RuntimeException e) {
        LOG.warn("probe document failed (attempt {}): {}", attempt, e.toString());
      }
    }
    return false;
  }

  /**
   * Runs the jobs as {@code plan} and delivers their results; throws (delivering nothing) if the
   * model fails.
   */
  private void attempt(List<QueuedJob> jobs, List<PackedBatch> plan) {
    List<DocumentInput> inputs = new ArrayList<>(jobs.size());
    long[] waits = new long[jobs.size()];
    long start = System.nanoTime();
    int tokens = 0;
    boolean hiddenStates = false;
    for (int i = 0; i < jobs.size(); i++) {
      InferenceJob job = jobs.get(i).job();
      hiddenStates |= job.hiddenStates();
      inputs.add(DocumentInput.ids(job.id(), job.tokenIds()));
      waits[i] = start - jobs.get(i).queuedAtNanos();
      tokens += job.tokens();
    }
    int[] slots = {0};
    List<EncodedDocument> results =
        runner.run(
            inputs,
            plan,
            hiddenStates,
            packed -> {
              slots[0] += packed.shape().slots();
              observer.packed(packed);
            });
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    PassSummary summary =
        new PassSummary(
            instance + "/" + passes.incrementAndGet(), jobs.size(), tokens, slots[0], millis);
    observer.passDone(summary, waits);
    for (int i = 0; i < jobs.size(); i++) {
      deliver(jobs.get(i).job(), results.get(i), null, summary);
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          String.format(
              Locale.ROOT,
              "pass %s on %s: %d documents, %d tokens, %d slots, %d ms, longest queue wait %d ms",
              summary.id(),
              Thread.currentThread().getName(),
              summary.documents(),
              tokens,
              slots[0],
              millis,
              TimeUnit.NANOSECONDS.toMillis(Arrays.stream(waits).max().orElse(0))));
    }
  }

  /**
   * Bisects a failed pass: halves that run deliver their results; single documents that fail go to
   * {@code failed}.
   */
  private void isolate(List<QueuedJob> jobs, RuntimeException failure, List<QueuedJob> failed) {
    if (jobs.size() == 1) {
      failed.add(jobs.get(0));
      return;
    }
    for (List<QueuedJob> half :
        List.of(jobs.subList(0, jobs.size() / 2), jobs.subList(jobs.size() / 2, jobs.size()))) {
      try {
        attempt(half, planned(half));
      } catch (RuntimeException e) {
        isolate(half, e, failed);
      }
    }
  }

  void deliver(
      InferenceJob job, EncodedDocument result, RuntimeException failure, PassSummary summary) {
    try {
      job.sink().accept(new JobOutcome(job, result, failure, summary));
    } catch (RuntimeException e) {
      LOG.error("the sink of document {} failed: {}", job.id(), e.toString(), e);
    }
  }

  /** A summary for jobs that never ran (the scheduler stopped). */
  PassSummary stopped() {
    return new PassSummary(instance + "/stopped", 0, 0, 0, 0);
  }
}
