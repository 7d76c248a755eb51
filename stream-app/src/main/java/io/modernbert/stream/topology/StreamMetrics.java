package io.modernbert.stream.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.modernbert.model.engine.PackedBatch;
import java.time.Duration;

/**
 * The batcher's meters: batches (flushes) and forward passes, tokens per batch, padding waste per
 * pass, inference time, and end-to-end latency from the input record's timestamp to its output.
 */
public final class StreamMetrics {
  private final Counter batches;
  private final Counter passes;
  private final DistributionSummary batchTokens;
  private final DistributionSummary batchDocuments;
  private final DistributionSummary paddingWaste;
  private final Counter slots;
  private final Counter tokens;
  private final Timer inference;
  private final Timer endToEnd;

  public StreamMetrics(MeterRegistry registry) {
    this.batches = Counter.builder("modernbert.batches").description("Batches flushed to the model").register(registry);
    this.passes = Counter.builder("modernbert.passes").description("Forward passes run").register(registry);
    this.batchTokens = DistributionSummary.builder("modernbert.batch.tokens").description("Tokens per batch").register(registry);
    this.batchDocuments = DistributionSummary.builder("modernbert.batch.documents").description("Documents per batch").register(registry);
    this.paddingWaste = DistributionSummary.builder("modernbert.pass.padding.ratio")
        .description("Share of a pass's token slots that hold no token").register(registry);
    this.slots = Counter.builder("modernbert.slots").description("Token slots computed, padding included").register(registry);
    this.tokens = Counter.builder("modernbert.tokens").description("Tokens encoded").register(registry);
    this.inference = Timer.builder("modernbert.inference").description("Model time per batch").publishPercentiles(0.5, 0.99).register(registry);
    this.endToEnd = Timer.builder("modernbert.end.to.end.latency")
        .description("Input record timestamp to output").publishPercentiles(0.5, 0.99).register(registry);
  }

  void pass(PackedBatch pass) {
    passes.increment();
    slots.increment(pass.shape().slots());
    tokens.increment(pass.tokens());
    paddingWaste.record(pass.paddingSlots() / (double) pass.shape().slots());
  }

  void batch(int documents, int batchTokenCount, Duration modelTime) {
    batches.increment();
    batchDocuments.record(documents);
    batchTokens.record(batchTokenCount);
    inference.record(modelTime);
  }

  void delivered(long sourceTimestamp, long now) {
    endToEnd.record(Duration.ofMillis(Math.max(0, now - sourceTimestamp)));
  }

  /** Overall padding waste so far: empty slots / all slots computed. */
  public double paddingWasteSoFar() {
    double all = slots.count();
    return all == 0 ? 0 : (all - tokens.count()) / all;
  }
}
