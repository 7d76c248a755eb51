package io.modernbert.stream.scheduler;

import io.modernbert.model.engine.DocumentInput;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.graph.BatchShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the model in an instance: continuous batching over everything the instance has
 * to encode, from every stream task and every HTTP request.
 *
 * <p>One thread runs passes back to back. When the model is idle it runs what is queued now; while
 * it runs, new jobs queue for the next pass. {@link PassSelector} picks each pass (up to the
 * engine's 8,192 tokens, length-aware, earliest deadline first), so neither long nor short
 * documents starve and HTTP requests go ahead. The queue is bounded in tokens: {@link #submit}
 * blocks and {@link #offer} refuses beyond it. Outcomes go to each job's sink on this thread.
 */
public final class BatchScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BatchScheduler.class);

  private final InferenceEngine engine;
  private final SchedulerSettings settings;
  private final PassObserver observer;
  private final PassSelector selector;
  private final String instance = UUID.randomUUID().toString().substring(0, 8);
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final TreeSet<QueuedJob> queue = new TreeSet<>(QueuedJob.BY_DEADLINE); // guarded by lock
  private long queuedTokens; // guarded by lock
  private long sequence; // guarded by lock
  private boolean closed; // guarded by lock
  private long passes; // scheduler thread only
  private final PassRunner runner;
  private volatile Consumer<Throwable> onEngineFailure = failure -> {};
  private final boolean warmUpFirst;
  private volatile boolean warm;
  private final Thread thread;
  private final Thread warmUpThread;

  /** A scheduler whose engine is ready (warmed up, or without warm-up). */
  public BatchScheduler(InferenceEngine engine, SchedulerSettings settings, PassObserver observer) {
    this(engine, settings, observer, false);
  }

  /**
   * With {@code warmUpFirst}, the serving shapes run once at start on a thread of their own, and
   * the larger ones on the scheduler's thread whenever its queue is empty (see {@link
   * InferenceEngine#warmUp(BatchShape)}); {@link #warm()} says when the serving shapes have. The
   * caller can start consuming at once: joining the group and restoring stores overlap the warm-up,
   * and queued documents go first.
   */
  public BatchScheduler(
      InferenceEngine engine,
      SchedulerSettings settings,
      PassObserver observer,
      boolean warmUpFirst) {
    this(
        engine,
        settings,
        observer,
        warmUpFirst,
        (documents, hiddenStates, onPacked) -> engine.encode(documents, hiddenStates, onPacked));
  }

  /** As above, with {@code runner} in place of the engine's own pass (tests inject failures). */
  public BatchScheduler(
      InferenceEngine engine,
      SchedulerSettings settings,
      PassObserver observer,
      boolean warmUpFirst,
      PassRunner runner) {
    this.engine = engine;
    this.runner = runner;
    this.settings = settings;
    this.observer = observer;
    this.selector = new PassSelector(engine::plan, settings.poolTokens());
    this.warmUpFirst = warmUpFirst;
    this.warm = !warmUpFirst;
    this.thread = new Thread(() -> dieLoudly(this::runPasses), "modernbert-scheduler");
    this.thread.setDaemon(true);
    this.warmUpThread =
        new Thread(() -> dieLoudly(this::warmUpServingShapes), "modernbert-warm-up");
    this.warmUpThread.setDaemon(true);
    this.thread.start();
    if (warmUpFirst) {
      warmUpThread.start();
    }
  }

  public InferenceEngine engine() {
    return engine;
  }

  /**
   * Called once, on the scheduler's thread, when the model no longer runs at all (a pass and then a
   * probe document failed); the scheduler has stopped by then. The application should exit non-zero
   * so that its supervisor restarts it.
   */
  public void onEngineFailure(Consumer<Throwable> handler) {
    this.onEngineFailure = handler;
  }

  /** Whether the scheduler takes jobs: not closed, and the model has not failed on everything. */
  public boolean running() {
    lock.lock();
    try {
      return !closed && thread.isAlive();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether the serving shapes have run once (readiness: no lone or short request pays for a first
   * run; see {@link InferenceEngine#servingShapes()}).
   */
  public boolean warm() {
    return warm;
  }

  /** Queues {@code job}, waiting while the queue is full. */
  public void submit(InferenceJob job) throws InterruptedException {
    lock.lock();
    try {
      while (!closed && isFullFor(job)) {
        notFull.await(100, TimeUnit.MILLISECONDS);
      }
      enqueue(job);
    } finally {
      lock.unlock();
    }
  }

  /** Queues {@code job} unless the queue is full; false then. */
  public boolean offer(InferenceJob job) {
    lock.lock();
    try {
      if (isFullFor(job)) {
        return false;
      }
      enqueue(job);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Drops the queued jobs of {@code owner} (a task that closed); a pass already running finishes.
   */
  public int cancel(Object owner) {
    lock.lock();
    try {
      List<QueuedJob> dropped = queue.stream().filter(q -> q.job().owner() == owner).toList();
      dropped.forEach(this::dequeue);
      notFull.signalAll();
      return dropped.size();
    } finally {
      lock.unlock();
    }
  }

  /** Tokens waiting for a pass (a gauge). */
  public long queuedTokens() {
    lock.lock();
    try {
      return queuedTokens;
    } finally {
      lock.unlock();
    }
  }

  private boolean isFullFor(InferenceJob job) {
    // An empty queue takes any job, so a document longer than the bound cannot wait forever.
    return !queue.isEmpty() && queuedTokens + job.tokens() > settings.queueTokens();
  }

  private void enqueue(InferenceJob job) {
    if (closed) {
      throw new SchedulerStoppedException("the batch scheduler is closed", null);
    }
    long now = System.nanoTime();
    long delay =
        job.priority() == InferenceJob.Priority.INTERACTIVE ? 0 : settings.maxWait().toNanos();
    queue.add(new QueuedJob(job, sequence++, now, now + delay));
    queuedTokens += job.tokens();
    notEmpty.signal();
  }

  private void dequeue(QueuedJob queued) {
    queue.remove(queued);
    queuedTokens -= queued.tokens();
  }

  /**
   * Readiness: runs the serving shapes (see {@link InferenceEngine#servingShapes()}) beside the
   * scheduler, which serves whatever is queued meanwhile (after a crash, the documents restored
   * from the stores; a shape compiles on its first use). The engine is thread-safe, and running
   * them {@link InferenceEngine#WARM_UP_PARALLELISM} at a time on their own thread is what makes a
   * restart fast (ModernBERT-base bf16 from the compilation cache: 14 s).
   */
  private void warmUpServingShapes() {
    long start = System.nanoTime();
    try {
      engine.warmUp(engine.servingShapes());
    } catch (RuntimeException e) {
      LOG.error("warm-up failed; the shapes compile on first use instead: {}", e.toString(), e);
    }
    lock.lock();
    try {
      warm = true;
      notEmpty.signalAll(); // the scheduler may now run the larger shapes while idle
    } finally {
      lock.unlock();
    }
    LOG.info(
        String.format(
            Locale.ROOT,
            "ready: the %d serving batch shapes (up to %,d slots) ran in %.1f s; the %d larger ones"
                + " run while the scheduler is idle",
            engine.servingShapes().size(),
            InferenceEngine.SERVING_SLOTS,
            (System.nanoTime() - start) / 1e9,
            engine.shapes().size() - engine.servingShapes().size()));
  }

  /**
   * Runs one of the scheduler's threads. Anything its own handling did not contain (an {@link
   * Error}: out of memory, a stack overflow, a native failure) stops the scheduler and is reported
   * as an engine failure, so that the application exits non-zero instead of leaving stream threads
   * blocked on a scheduler that no longer runs.
   */
  private void dieLoudly(Runnable body) {
    try {
      body.run();
    } catch (Throwable failure) {
      LOG.error(
          "{} died: {}; stopping the scheduler",
          Thread.currentThread().getName(),
          failure.toString(),
          failure);
      stop(
          new SchedulerStoppedException(
              Thread.currentThread().getName() + " died: " + failure, failure));
      onEngineFailure.accept(failure);
    }
  }

  private void runPasses() {
    List<BatchShape> larger = new ArrayList<>();
    if (warmUpFirst) {
      List<BatchShape> serving = engine.servingShapes();
      engine.shapes().stream().filter(shape -> !serving.contains(shape)).forEach(larger::add);
    }
    while (true) {
      List<QueuedJob> pass;
      lock.lock();
      try {
        while (queue.isEmpty() && !closed && !(warm && !larger.isEmpty())) {
          notEmpty.awaitUninterruptibly();
        }
        if (closed) {
          return;
        }
        if (queue.isEmpty()) { // idle and ready: one of the larger shapes
          lock.unlock();
          try {
            warmUpLarger(larger);
          } finally {
            lock.lock();
          }
          continue;
        }
        pass = selector.select(queue, System.nanoTime());
        pass.forEach(this::dequeue);
        notFull.signalAll();
      } finally {
        lock.unlock();
      }
      run(pass);
    }
  }

  /**
   * Once ready, the larger shapes run only while nothing is queued, one at a time (two 8,192-slot
   * passes at once would double the peak memory), so they never delay a document.
   */
  private void warmUpLarger(List<BatchShape> larger) {
    BatchShape shape = larger.remove(0);
    int total = engine.shapes().size();
    if (!engine.hasRun(shape)) {
      try {
        double seconds = engine.warmUp(shape);
        LOG.info(
            String.format(
                Locale.ROOT,
                "warm-up %d/%d (while idle): batch shape %s (%,d slots) in %.1f s",
                total - larger.size(),
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
    if (larger.isEmpty()) {
      LOG.info("warm-up done: all {} batch shapes have run", total);
    }
  }

  /**
   * Runs one pass and hands every job its outcome. A failed pass is retried once; if it fails
   * again, it is split in halves, recursively, until the documents that fail on their own are
   * found. When only some fail, they fail (the others got their results). When all of them fail, a
   * probe document ([CLS] [SEP]) tells the two cases apart: if the model runs it, the documents are
   * at fault and fail; if not, the model itself is broken (a bad model, out of memory), so the
   * scheduler stops, its jobs stay in the stream tasks' stores, and {@link #onEngineFailure} is
   * told.
   */
  private void run(List<QueuedJob> pass) {
    RuntimeException failure;
    try {
      attempt(pass);
      return;
    } catch (RuntimeException first) {
      LOG.warn("pass of {} documents failed ({}); retrying it once", pass.size(), first.toString());
      try {
        attempt(pass);
        return;
      } catch (RuntimeException second) {
        failure = second;
      }
    }
    List<QueuedJob> failed = new ArrayList<>();
    isolate(pass, failure, failed);
    if (failed.size() == pass.size() && !modelRuns()) {
      engineFailed(failure, failed);
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

  /** Whether the model runs at all: a two-token probe document, twice. */
  private boolean modelRuns() {
    int[] probe = {engine.config().clsTokenId(), engine.config().sepTokenId()};
    for (int attempt = 1; attempt <= 2; attempt++) {
      try {
        runner.run(List.of(DocumentInput.ids("probe", probe)), false, packed -> {});
        return true;
      } catch (RuntimeException e) {
        LOG.warn("probe document failed (attempt {}): {}", attempt, e.toString());
      }
    }
    return false;
  }

  /**
   * Runs the jobs as one pass and delivers their results; throws (delivering nothing) if the model
   * fails.
   */
  private void attempt(List<QueuedJob> jobs) {
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
            hiddenStates,
            packed -> {
              slots[0] += packed.shape().slots();
              observer.packed(packed);
            });
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    PassSummary summary =
        new PassSummary(instance + "/" + (++passes), jobs.size(), tokens, slots[0], millis);
    observer.passDone(summary, waits);
    for (int i = 0; i < jobs.size(); i++) {
      deliver(jobs.get(i).job(), results.get(i), null, summary);
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          String.format(
              Locale.ROOT,
              "pass %s: %d documents, %d tokens, %d slots, %d ms",
              summary.id(),
              summary.documents(),
              tokens,
              slots[0],
              millis));
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
        attempt(half);
      } catch (RuntimeException e) {
        isolate(half, e, failed);
      }
    }
  }

  private void deliver(
      InferenceJob job, EncodedDocument result, RuntimeException failure, PassSummary summary) {
    try {
      job.sink().accept(new JobOutcome(job, result, failure, summary));
    } catch (RuntimeException e) {
      LOG.error("the sink of document {} failed: {}", job.id(), e.toString(), e);
    }
  }

  /**
   * The model does not run at all: stop, fail what is queued and running (not the documents'
   * fault), and say so.
   */
  private void engineFailed(RuntimeException failure, List<QueuedJob> running) {
    LOG.error(
        "the model fails even on a probe document; stopping the scheduler: {}",
        failure.toString(),
        failure);
    SchedulerStoppedException stopped =
        new SchedulerStoppedException("the model does not run: " + failure.getMessage(), failure);
    stop(stopped);
    PassSummary none = new PassSummary(instance + "/stopped", 0, 0, 0, 0);
    running.forEach(queued -> deliver(queued.job(), null, stopped, none));
    onEngineFailure.accept(failure);
  }

  /**
   * Stops after the pass in flight. Queued jobs fail with {@link SchedulerStoppedException}: HTTP
   * callers get an answer at once, and stream documents stay in their tasks' stores, to be run
   * again after a restart.
   */
  @Override
  public void close() {
    stop(new SchedulerStoppedException("the batch scheduler stopped", null));
    // Both threads may be inside a pass, which cannot be interrupted; the engine closes after.
    for (Thread running : List.of(thread, warmUpThread)) {
      if (Thread.currentThread() != running) {
        try {
          running.join(TimeUnit.MINUTES.toMillis(1));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private void stop(SchedulerStoppedException reason) {
    List<QueuedJob> dropped;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      dropped = List.copyOf(queue);
      queue.clear();
      queuedTokens = 0;
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
    PassSummary none = new PassSummary(instance + "/stopped", 0, 0, 0, 0);
    for (QueuedJob queued : dropped) {
      deliver(queued.job(), null, reason, none);
    }
  }
}
