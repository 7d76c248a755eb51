package io.modernbert.load;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The service's consumer lag on the input topic, once a second: the topic's end offsets minus the
 * offsets its consumer group (the Kafka Streams application id) has committed. A partition the
 * group never committed counts from its earliest offset. Under exactly-once the service commits
 * every 100 ms, so the lag is that of work not yet committed, which is the backlog users wait
 * behind.
 */
final class LagSampler implements AutoCloseable {
  /** Lag at {@code second} seconds from the start of the run. */
  record Sample(double second, long lag) {}

  private static final long TIMEOUT_SECONDS = 5;

  private final Admin admin;
  private final List<TopicPartition> partitions;
  private final String group;
  private final long originNanos;
  private final PrintWriter err;
  private final List<Sample> samples = new ArrayList<>();
  private final AtomicLong latest = new AtomicLong(-1);
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "load-lag-sampler");
            thread.setDaemon(true);
            return thread;
          });
  private boolean warned;

  LagSampler(
      Admin admin,
      String topic,
      int partitionCount,
      String group,
      long originNanos,
      PrintWriter err) {
    this.admin = admin;
    this.partitions = new ArrayList<>();
    for (int p = 0; p < partitionCount; p++) {
      partitions.add(new TopicPartition(topic, p));
    }
    this.group = group;
    this.originNanos = originNanos;
    this.err = err;
  }

  void start() {
    timer.scheduleAtFixedRate(this::sampleQuietly, 0, 1, TimeUnit.SECONDS);
  }

  /** The last lag measured, or -1 before the first. */
  long latest() {
    return latest.get();
  }

  synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }

  private void sampleQuietly() {
    try {
      long lag = measure();
      double second = (System.nanoTime() - originNanos) / 1e9;
      synchronized (this) {
        samples.add(new Sample(second, lag));
      }
      latest.set(lag);
    } catch (Exception e) {
      if (!warned) { // a broker hiccup loses a sample; saying so once is enough
        warned = true;
        err.println("load: warning: cannot measure consumer lag of group " + group + ": " + e);
      }
    }
  }

  /** End offsets minus committed offsets, summed over the input partitions. */
  long measure() throws Exception {
    Map<TopicPartition, OffsetSpec> latestSpec = new HashMap<>();
    Map<TopicPartition, OffsetSpec> earliestSpec = new HashMap<>();
    for (TopicPartition partition : partitions) {
      latestSpec.put(partition, OffsetSpec.latest());
      earliestSpec.put(partition, OffsetSpec.earliest());
    }
    var ends = admin.listOffsets(latestSpec).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    boolean allCommitted = partitions.stream().allMatch(p -> committed.get(p) != null);
    var starts =
        allCommitted
            ? null
            : admin.listOffsets(earliestSpec).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    long lag = 0;
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata offset = committed.get(partition);
      long from = offset != null ? offset.offset() : starts.get(partition).offset();
      lag += Math.max(0, ends.get(partition).offset() - from);
    }
    return lag;
  }

  /** Stops sampling; the samples stay readable. */
  void stop() {
    timer.shutdownNow();
  }

  @Override
  public void close() {
    stop();
  }
}
