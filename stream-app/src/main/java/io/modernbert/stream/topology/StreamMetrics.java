package io.modernbert.stream.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.modernbert.model.engine.PackedBatch;
import io.modernbert.stream.scheduler.PassObserver;
import io.modernbert.stream.scheduler.PassSummary;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The service's meters: scheduler passes ("batches") and the engine's packed forward passes, tokens
 * and documents per pass, padding waste, model time, time queued in the scheduler, and end-to-end
 * latency from the input record's timestamp to its output.
 */
public final class StreamMetrics implements PassObserver {
  private final Counter batches;
  private final Counter passes;
  private final DistributionSummary batchTokens;
  private final DistributionSummary batchDocuments;
  private final DistributionSummary paddingWaste;
  private final Counter slots;
  private final Counter tokens;
  private final Timer inference;
  private final Timer endToEnd;
  private final Timer queueWait;
  private final MeterRegistry registry;

  public StreamMetrics(MeterRegistry registry) {
    this.batches =
        Counter.builder("modernbert.batches")
            .description("Scheduler passes run (each one engine call of up to 8,192 tokens)")
            .register(registry);
    this.passes =
        Counter.builder("modernbert.passes").description("Forward passes run").register(registry);
    this.batchTokens =
        DistributionSummary.builder("modernbert.batch.tokens")
            .description("Tokens per batch")
            .register(registry);
    this.batchDocuments =
        DistributionSummary.builder("modernbert.batch.documents")
            .description("Documents per batch")
            .register(registry);
    this.paddingWaste =
        DistributionSummary.builder("modernbert.pass.padding.ratio")
            .description("Share of a pass's token slots that hold no token")
            .register(registry);
    this.slots =
        Counter.builder("modernbert.slots")
            .description("Token slots computed, padding included")
            .register(registry);
    this.tokens =
        Counter.builder("modernbert.tokens").description("Tokens encoded").register(registry);
    this.inference =
        Timer.builder("modernbert.inference")
            .description("Model time per batch")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.endToEnd =
        Timer.builder("modernbert.end.to.end.latency")
            .description("Input record timestamp to output")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.registry = registry;
    // Registered now so that the series exists at zero; DeadLetterFactory increments it (and the
    // other reasons) by name.
    Counter.builder("modernbert.dead.letters")
        .tag("reason", "PROCESSING_FAILED")
        .description("Records sent to the dead-letter topic")
        .register(registry);
    this.queueWait =
        Timer.builder("modernbert.scheduler.queue.wait")
            .description("Time a document waited in the scheduler's queue")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  @Override
  public void packed(PackedBatch pass) {
    passes.increment();
    slots.increment(pass.shape().slots());
    tokens.increment(pass.tokens());
    paddingWaste.record(pass.paddingSlots() / (double) pass.shape().slots());
  }

  @Override
  public void passDone(PassSummary pass, long[] queueWaitsNanos) {
    batches.increment();
    batchDocuments.record(pass.documents());
    batchTokens.record(pass.tokens());
    inference.record(Duration.ofMillis(pass.modelMillis()));
    for (long wait : queueWaitsNanos) {
      queueWait.record(wait, TimeUnit.NANOSECONDS);
    }
  }

  void delivered(long sourceTimestamp, long now) {
    endToEnd.record(Duration.ofMillis(Math.max(0, now - sourceTimestamp)));
  }

  /** The registry these meters are in (dead letters are counted there by the factory). */
  public MeterRegistry registry() {
    return registry;
  }

  /** Overall padding waste so far: empty slots / all slots computed. */
  public double paddingWasteSoFar() {
    double all = slots.count();
    return all == 0 ? 0 : (all - tokens.count()) / all;
  }
}
