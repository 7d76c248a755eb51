package io.modernbert.stream.http;

import io.modernbert.schemas.Embedding;
import io.modernbert.schemas.Labels;
import io.modernbert.schemas.Serdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the embeddings and labels of documents that HTTP requests are waiting for. One thread
 * reads both output topics (read_committed, every partition, from their end at start) and
 * completes the futures registered for an id; ids nobody waits for are skipped. Register before
 * producing, so that no result can pass by unseen.
 */
public final class ResultWaiter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResultWaiter.class);

  /** What one document's request waits for. */
  public record Pending(CompletableFuture<Embedding> embedding, CompletableFuture<Labels> labels) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final String embeddingsTopic;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  public ResultWaiter(String bootstrapServers, String embeddingsTopic, String labelsTopic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "modernbert-http-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.embeddingsTopic = embeddingsTopic;
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : List.of(embeddingsTopic, labelsTopic)) {
      consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end offsets now, before any request registers
    this.thread = new Thread(this::loop, "modernbert-http-results");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Futures for {@code id}'s embedding and labels; {@link #forget} them when done or given up. */
  public Pending register(String id) {
    return pending.computeIfAbsent(id, key -> new Pending(new CompletableFuture<>(), new CompletableFuture<>()));
  }

  public void forget(String id) {
    pending.remove(id);
  }

  private void loop() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          Pending waiting = record.key() == null ? null : pending.get(record.key());
          if (waiting == null) {
            continue;
          }
          if (record.topic().equals(embeddingsTopic)) {
            waiting.embedding().complete(Serdes.EMBEDDING.decode(record.value()));
          } else {
            waiting.labels().complete(Serdes.LABELS.decode(record.value()));
          }
        }
      }
    } catch (WakeupException e) {
      LOG.debug("result reader stopped");
    } finally {
      consumer.close();
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
