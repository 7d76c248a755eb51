package io.modernbert.stream.e2e;

import io.modernbert.schemas.Embedding;
import io.modernbert.schemas.Labels;
import io.modernbert.schemas.Serdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the output topics as a downstream consumer would, with {@code read_committed}: every
 * record ever committed, in order, duplicates included (so tests can count them).
 */
final class OutputReader implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> embeddings;
  private final KafkaConsumer<String, byte[]> labels;
  final List<ConsumerRecord<String, Embedding>> embeddingRecords = new ArrayList<>();
  final List<ConsumerRecord<String, Labels>> labelRecords = new ArrayList<>();

  OutputReader(String bootstrapServers, String embeddingsTopic, String labelsTopic) {
    this.embeddings = consumer(bootstrapServers, embeddingsTopic);
    this.labels = consumer(bootstrapServers, labelsTopic);
  }

  private static KafkaConsumer<String, byte[]> consumer(String bootstrapServers, String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  /** Polls both topics until each has at least {@code count} records or {@code timeout} passes. */
  void readUntil(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && (embeddingRecords.size() < count || labelRecords.size() < count)) {
      poll(Duration.ofMillis(200));
    }
  }

  /** Polls a few more times so that any late duplicate would show up. */
  void drain(Duration quiet) {
    long deadline = System.nanoTime() + quiet.toNanos();
    while (System.nanoTime() < deadline) {
      poll(Duration.ofMillis(200));
    }
  }

  private void poll(Duration wait) {
    for (ConsumerRecord<String, byte[]> record : embeddings.poll(wait)) {
      embeddingRecords.add(new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
          record.timestampType(), record.serializedKeySize(), record.serializedValueSize(), record.key(),
          Serdes.EMBEDDING.decode(record.value()), record.headers(), record.leaderEpoch()));
    }
    for (ConsumerRecord<String, byte[]> record : labels.poll(wait)) {
      labelRecords.add(new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
          record.timestampType(), record.serializedKeySize(), record.serializedValueSize(), record.key(),
          Serdes.LABELS.decode(record.value()), record.headers(), record.leaderEpoch()));
    }
  }

  @Override
  public void close() {
    embeddings.close();
    labels.close();
  }
}
