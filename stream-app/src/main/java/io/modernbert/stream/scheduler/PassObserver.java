package io.modernbert.stream.scheduler;

import io.modernbert.model.engine.PackedBatch;

/** Told about every pass the scheduler runs (metrics); called on the scheduler's thread. */
public interface PassObserver {
  /** One packed forward pass of the engine ran. */
  void packed(PackedBatch pass);

  /** A scheduler pass finished; {@code queueWaitsNanos} is how long each of its jobs was queued. */
  void passDone(PassSummary pass, long[] queueWaitsNanos);

  PassObserver NONE =
      new PassObserver() {
        @Override
        public void packed(PackedBatch pass) {}

        @Override
        public void passDone(PassSummary pass, long[] queueWaitsNanos) {}
      };
}
