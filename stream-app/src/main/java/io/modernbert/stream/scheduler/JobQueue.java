package io.modernbert.stream.scheduler;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The scheduler's queue: jobs by deadline, bounded in tokens, from which each {@link Lane} takes
 * its next pass.
 *
 * <p>{@link #submit} blocks and {@link #offer} refuses beyond the bound (interactive jobs have one
 * pass of headroom above it); an empty queue takes any job, so a document longer than the bound
 * cannot wait forever. Interactive jobs are due at once, stream jobs after {@code maxWait} (see
 * {@link PassSelector}). One lock guards everything; lanes plan their pass under it (a few hundred
 * documents: well under a millisecond).
 */
final class JobQueue {
  private final SchedulerSettings settings;
  private final PassSelector selector;
  private final boolean twoLanes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final TreeSet<QueuedJob> queue = new TreeSet<>(QueuedJob.BY_DEADLINE); // guarded
  private final Set<Lane> busy = EnumSet.noneOf(Lane.class); // guarded by lock
  private long queuedTokens; // guarded by lock
  private long sequence; // guarded by lock
  private boolean closed; // guarded by lock

  /** Queued tokens, in passes, from which the queue counts as a backlog ({@link PassSelector}). */
  static final int BACKLOG_PASSES = 2;

  JobQueue(SchedulerSettings settings, PassSelector selector) {
    this.settings = settings;
    this.selector = selector;
    this.twoLanes = settings.lanes() == 2;
  }

  /** Queues {@code job}, waiting while the queue is full. */
  void submit(InferenceJob job) throws InterruptedException {
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
  boolean offer(InferenceJob job) {
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

  /** Drops the queued jobs of {@code owner}; how many. */
  int cancel(Object owner) {
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

  long queuedTokens() {
    lock.lock();
    try {
      return queuedTokens;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for the next pass of {@code lane} and takes its jobs out of the queue; null once closed.
   * The lane counts as busy until {@link #passDone}.
   */
  PassSelector.Selected nextPass(Lane lane) {
    lock.lock();
    try {
      while (true) {
        if (closed) {
          return null;
        }
        PassSelector.Selected pass =
            queue.isEmpty()
                ? null
                : selector.select(
                    queue,
                    System.nanoTime(),
                    lane,
                    twoLanes,
                    busy.contains(Lane.SHORT),
                    queuedTokens >= BACKLOG_PASSES * settings.passTokens());
        if (pass != null) {
          pass.jobs().forEach(this::dequeue);
          busy.add(lane);
          notFull.signalAll();
          changed.signalAll(); // the other lane's choice may depend on this lane being busy
          return pass;
        }
        // Work this lane leaves to the other may become its own when the other gets busy, and a
        // stream job becomes due after max-wait: look again then at the latest.
        changed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  void passDone(Lane lane) {
    lock.lock();
    try {
      busy.remove(lane);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the engine is idle (nothing queued, no lane in a pass); false once closed. */
  boolean awaitIdle() {
    lock.lock();
    try {
      while (!closed && !(queue.isEmpty() && busy.isEmpty())) {
        changed.awaitUninterruptibly();
      }
      return !closed;
    } finally {
      lock.unlock();
    }
  }

  /** Closes the queue and returns what was queued (null if it was closed already). */
  List<QueuedJob> close() {
    lock.lock();
    try {
      if (closed) {
        return null;
      }
      closed = true;
      List<QueuedJob> dropped = List.copyOf(queue);
      queue.clear();
      queuedTokens = 0;
      changed.signalAll();
      notFull.signalAll();
      return dropped;
    } finally {
      lock.unlock();
    }
  }

  boolean closed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Interactive jobs may go one pass beyond the bound: under a burst the stream threads keep the
   * queue at it, and a request would otherwise be refused (429) while stream documents wait.
   */
  private boolean isFullFor(InferenceJob job) {
    long bound =
        settings.queueTokens()
            + (job.priority() == InferenceJob.Priority.INTERACTIVE ? settings.passTokens() : 0);
    return !queue.isEmpty() && queuedTokens + job.tokens() > bound;
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
    changed.signalAll();
  }

  private void dequeue(QueuedJob queued) {
    queue.remove(queued);
    queuedTokens -= queued.tokens();
  }
}
