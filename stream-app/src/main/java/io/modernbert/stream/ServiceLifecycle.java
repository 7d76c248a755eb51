package io.modernbert.stream;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@code run} and {@code demo} live and stop, in one place: they serve until SIGTERM (exit 0)
 * or until the application reports a {@link StreamApp.FatalFailure} (its exit code, with a line on
 * stderr saying why), and then close what they started, last started first.
 *
 * <p>A fatal stop is bounded: if closing takes longer than {@link #FATAL_STOP_BOUND} (a stream
 * thread stuck in a native call, a broker that no longer answers), the JVM is halted with the
 * failure's exit code anyway, so a supervisor always sees the process end. An ordinary SIGTERM stop
 * closes within the pod's grace period: Kafka Streams gets 30 s to commit and leave its group.
 */
final class ServiceLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceLifecycle.class);

  /** Longest a fatal stop may take before the JVM is halted. */
  static final Duration FATAL_STOP_BOUND = Duration.ofSeconds(8);

  private final List<AutoCloseable> started = new ArrayList<>();
  private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
  private final PrintStream err;

  ServiceLifecycle(PrintStream err) {
    this.err = err;
  }

  /** Registers something to close when the service stops; closed in reverse order. */
  <T extends AutoCloseable> T started(T resource) {
    if (resource != null) {
      synchronized (started) {
        started.add(resource);
      }
    }
    return resource;
  }

  /** Stops the service with the failure's exit code when the application reports one. */
  void watch(StreamApp app) {
    app.fatalFailure()
        .thenAccept(
            failure -> {
              err.println(
                  "modernbert-stream: "
                      + failure.reason()
                      + "; stopping with exit code "
                      + failure.exitCode());
              err.flush();
              exitCode.complete(failure.exitCode());
            });
  }

  /**
   * Blocks until SIGTERM/Ctrl-C (returns 0 once everything is closed) or a fatal failure (closes
   * everything within {@link #FATAL_STOP_BOUND} and returns the failure's exit code).
   */
  int awaitStop() throws InterruptedException {
    Thread hook =
        new Thread(
            () -> {
              closeAll();
              exitCode.complete(0);
            },
            "modernbert-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int code;
    try {
      code = exitCode.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    if (code != 0) {
      haltAfter(FATAL_STOP_BOUND, code);
      closeAll();
    }
    return code;
  }

  /** Closes what was started, last first; each failure is logged and the rest still close. */
  void closeAll() {
    List<AutoCloseable> toClose;
    synchronized (started) {
      toClose = new ArrayList<>(started);
      started.clear();
    }
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", toClose.get(i).getClass().getSimpleName(), e.toString());
      }
    }
  }

  private static void haltAfter(Duration bound, int code) {
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(bound.toMillis());
              } catch (InterruptedException e) {
                return;
              }
              System.err.println(
                  "modernbert-stream: stopping took longer than "
                      + bound.toSeconds()
                      + " s; halting with exit code "
                      + code);
              Runtime.getRuntime().halt(code);
            },
            "modernbert-stop-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }
}
