package io.modernbert.stream.scheduler;

import io.modernbert.model.engine.InferenceEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the model in an instance: continuous batching over everything the instance has
 * to encode, from every stream task and every HTTP request.
 *
 * <p>The parts, each in its own class: the token-bounded {@link JobQueue}; the {@link Lane}s, one
 * or two threads that run passes back to back (while one runs, new jobs queue for the next); {@link
 * PassSelector}, which picks and plans each lane's pass (up to the engine's 8,192 tokens,
 * length-aware, earliest deadline first, on warm shapes only); {@link PassExecutor}, which runs it,
 * isolates faults and delivers outcomes to each job's sink on the lane's thread; and {@link
 * ShapeWarmUp}, which warms the shapes on a thread of its own. With two lanes (the default), short
 * documents and HTTP requests never wait for a long pass that started before them.
 */
public final class BatchScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BatchScheduler.class);

  private final InferenceEngine engine;
  private final JobQueue queue;
  private final PassExecutor executor;
  private final List<Thread> lanes = new ArrayList<>();
  private final Thread warmUpThread;
  private volatile Consumer<Throwable> onEngineFailure = failure -> {};
  private volatile boolean warm;

  /** A scheduler whose engine is ready (warmed up, or without warm-up). */
  public BatchScheduler(InferenceEngine engine, SchedulerSettings settings, PassObserver observer) {
    this(engine, settings, observer, false);
  }

  /**
   * With {@code warmUpFirst}, the shapes run once on a thread of their own ({@link ShapeWarmUp});
   * {@link #warm()} says when the serving shapes have. The caller can start consuming at once:
   * joining the group and restoring stores overlap the warm-up, and queued documents go first.
   */
  public BatchScheduler(
      InferenceEngine engine,
      SchedulerSettings settings,
      PassObserver observer,
      boolean warmUpFirst) {
    this(engine, settings, observer, warmUpFirst, engine::encode);
  }

  /** As above, with {@code runner} in place of the engine's own pass (tests inject failures). */
  public BatchScheduler(
      InferenceEngine engine,
      SchedulerSettings settings,
      PassObserver observer,
      boolean warmUpFirst,
      PassRunner runner) {
    this.engine = engine;
    this.queue =
        new JobQueue(
            settings,
            new PassSelector(engine::plan, settings.poolTokens(), engine.compilesShapes()));
    this.executor =
        new PassExecutor(
            engine,
            runner,
            observer,
            UUID.randomUUID().toString().substring(0, 8),
            this::engineFailed);
    this.warm = !warmUpFirst;
    List<Lane> laneKinds =
        settings.lanes() == 2 ? List.of(Lane.SHORT, Lane.LONG) : List.of(Lane.LONG);
    for (Lane lane : laneKinds) {
      Thread thread = new Thread(() -> dieLoudly(() -> runPasses(lane)), lane.threadName());
      thread.setDaemon(true);
      lanes.add(thread);
    }
    this.warmUpThread =
        new Thread(
            () -> dieLoudly(new ShapeWarmUp(engine, queue, () -> warm = true)),
            "modernbert-warm-up");
    this.warmUpThread.setDaemon(true);
    lanes.forEach(Thread::start);
    if (warmUpFirst) {
      warmUpThread.start();
    }
  }

  public InferenceEngine engine() {
    return engine;
  }

  /**
   * Called once, on a lane's thread, when the model no longer runs at all (a pass and then a probe
   * document failed); the scheduler has stopped by then. The application should exit non-zero so
   * that its supervisor restarts it.
   */
  public void onEngineFailure(Consumer<Throwable> handler) {
    this.onEngineFailure = handler;
  }

  /** Whether the scheduler takes jobs: not closed, and the model has not failed on everything. */
  public boolean running() {
    return !queue.closed() && lanes.stream().allMatch(Thread::isAlive);
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
    queue.submit(job);
  }

  /** Queues {@code job} unless the queue is full; false then. */
  public boolean offer(InferenceJob job) {
    return queue.offer(job);
  }

  /**
   * Drops the queued jobs of {@code owner} (a task that closed); a pass already running finishes.
   */
  public int cancel(Object owner) {
    return queue.cancel(owner);
  }

  /** Tokens waiting for a pass (a gauge). */
  public long queuedTokens() {
    return queue.queuedTokens();
  }

  /** One lane: takes its next pass, runs it, until the queue closes. */
  private void runPasses(Lane lane) {
    while (true) {
      PassSelector.Selected pass = queue.nextPass(lane);
      if (pass == null) {
        return;
      }
      try {
        executor.run(pass);
      } finally {
        queue.passDone(lane);
      }
    }
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
    running.forEach(queued -> executor.deliver(queued.job(), null, stopped, executor.stopped()));
    onEngineFailure.accept(failure);
  }

  /**
   * Stops after the passes in flight. Queued jobs fail with {@link SchedulerStoppedException}: HTTP
   * callers get an answer at once, and stream documents stay in their tasks' stores, to be run
   * again after a restart.
   */
  @Override
  public void close() {
    stop(new SchedulerStoppedException("the batch scheduler stopped", null));
    // The threads may be inside a pass, which cannot be interrupted; the engine closes after.
    List<Thread> threads = new ArrayList<>(lanes);
    threads.add(warmUpThread);
    for (Thread running : threads) {
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
    List<QueuedJob> dropped = queue.close();
    if (dropped == null) {
      return;
    }
    for (QueuedJob queued : dropped) {
      executor.deliver(queued.job(), null, reason, executor.stopped());
    }
  }
}
