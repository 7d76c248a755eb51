package io.modernbert.load;

import io.modernbert.schemas.AvroSerdes;
import io.modernbert.stream.kafka.KafkaClientConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the service's outputs as a user would: a read_committed consumer (the service writes in
 * transactions) assigned every partition of the embeddings and labels topics, with no group, so it
 * commits nothing and disturbs nothing. It is positioned at the end before the first send, so only
 * this run's outputs count; each is matched to its document by key and booked in {@link
 * DeliveryBook}, and the headers of embeddings feed {@link BatchStats}.
 */
final class OutputTracker implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final String embeddingsTopic;
  private final RunIds ids;
  private volatile DeliveryBook book;
  private volatile BatchStats batches;
  private final boolean readsLabels;
  private final AtomicLong invalid = new AtomicLong();
  private final Thread thread = new Thread(this::pollLoop, "load-output-tracker");
  private volatile boolean running = true;
  private volatile Exception failure;

  /**
   * Assigns the output partitions and fixes their end offsets; reading starts with {@link #start}.
   */
  OutputTracker(KafkaClientConfig kafka, String embeddingsTopic, String labelsTopic, RunIds ids) {
    this.consumer = consumer(kafka, "modernbert-load-outputs");
    this.embeddingsTopic = embeddingsTopic;
    this.ids = ids;
    try {
      List<TopicPartition> assigned = new ArrayList<>(partitions(embeddingsTopic));
      if (assigned.isEmpty()) {
        throw new IllegalStateException(
            "topic "
                + embeddingsTopic
                + " does not exist: is the service running"
                + " against "
                + kafka.bootstrapServers()
                + "?");
      }
      List<TopicPartition> labels = partitions(labelsTopic);
      this.readsLabels = !labels.isEmpty();
      assigned.addAll(labels);
      consumer.assign(assigned);
      consumer.seekToEnd(assigned);
      // seekToEnd is lazy: asking for each position fixes the end now, before the first send.
      assigned.forEach(consumer::position);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  /**
   * A consumer of the service's outputs as a user reads them: read_committed, keys as strings,
   * values as bytes, without a group of its own to commit to.
   */
  static KafkaConsumer<String, byte[]> consumer(KafkaClientConfig kafka, String clientId) {
    Map<String, Object> config =
        kafka.consumer(
            clientId,
            Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                "false",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                "false"),
            Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName()));
    return new KafkaConsumer<>(config);
  }

  /** Whether the labels topic exists (it does for classifier models); its outputs are read too. */
  boolean readsLabels() {
    return readsLabels;
  }

  /**
   * Starts reading on a thread of its own, booking outputs in {@code book} and batches in {@code
   * batches}.
   */
  void start(DeliveryBook book, BatchStats batches) {
    this.book = book;
    this.batches = batches;
    thread.setDaemon(true);
    thread.start();
  }

  /** Outputs whose value did not decode as Embedding or Labels. */
  long invalidOutputs() {
    return invalid.get();
  }

  /** The error that stopped the consumer, or null while it is fine. */
  Exception failure() {
    return failure;
  }

  private List<TopicPartition> partitions(String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : infos == null ? List.<PartitionInfo>of() : infos) {
      partitions.add(new TopicPartition(info.topic(), info.partition()));
    }
    return partitions;
  }

  private void pollLoop() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          accept(record, System.nanoTime());
        }
      }
    } catch (WakeupException e) {
      // close() asked us to stop
    } catch (Exception e) {
      failure = e;
    }
  }

  private void accept(ConsumerRecord<String, byte[]> record, long nowNanos) {
    if (ids.probeId().equals(record.key())) {
      return; // the readiness probe's output (--settle): not a document of the run
    }
    int index = ids.index(record.key());
    if (index < 0) {
      book.foreign();
      return;
    }
    boolean embedding = record.topic().equals(embeddingsTopic);
    long processedAt = DeliveryBook.UNKNOWN;
    try {
      if (embedding) {
        Instant at = AvroSerdes.EMBEDDING.decode(record.value()).getProcessedAt();
        processedAt = at == null ? DeliveryBook.UNKNOWN : at.toEpochMilli();
      } else {
        AvroSerdes.LABELS.decode(record.value());
      }
    } catch (SerializationException e) {
      invalid.incrementAndGet(); // still an output for this id: the service answered, wrongly
    }
    if (embedding) {
      book.embedding(index, nowNanos, processedAt);
      batches.record(record.headers());
    } else {
      book.labels(index);
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      if (thread.isAlive()) {
        thread.join(10_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // close the consumer anyway; the caller sees the flag
    }
    consumer.close();
  }
}
