package io.modernbert.stream.scheduler;

/**
 * The outcome of a job that never ran because the scheduler stopped (the application is closing, or
 * the engine failed on everything). Not the document's fault: stream tasks keep it in their store,
 * to be run again after a restart.
 */
public final class SchedulerStoppedException extends IllegalStateException {
  public SchedulerStoppedException(String message, Throwable cause) {
    super(message, cause);
  }
}
