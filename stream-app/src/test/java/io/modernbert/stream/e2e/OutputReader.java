package io.modernbert.stream.e2e;

import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.Embedding;
import io.modernbert.schemas.Labels;
import io.modernbert.stream.ReadCommitted;
import io.modernbert.stream.kafka.KafkaClientConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Reads the output topics as a downstream consumer would, with {@code read_committed}: every record
 * ever committed, in order, duplicates included (so tests can count them).
 */
final class OutputReader implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> embeddings;
  private final KafkaConsumer<String, byte[]> labels;
  final List<ConsumerRecord<String, Embedding>> embeddingRecords = new ArrayList<>();
  final List<ConsumerRecord<String, Labels>> labelRecords = new ArrayList<>();

  OutputReader(String bootstrapServers, String embeddingsTopic, String labelsTopic) {
    this(KafkaClientConfig.of(bootstrapServers), embeddingsTopic, labelsTopic);
  }

  OutputReader(KafkaClientConfig kafka, String embeddingsTopic, String labelsTopic) {
    this.embeddings = ReadCommitted.consumer(kafka, embeddingsTopic);
    this.labels = ReadCommitted.consumer(kafka, labelsTopic);
  }

  /** Polls both topics until each has at least {@code count} records or {@code timeout} passes. */
  void readUntil(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline
        && (embeddingRecords.size() < count || labelRecords.size() < count)) {
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
      embeddingRecords.add(
          new ConsumerRecord<>(
              record.topic(),
              record.partition(),
              record.offset(),
              record.timestamp(),
              record.timestampType(),
              record.serializedKeySize(),
              record.serializedValueSize(),
              record.key(),
              AvroSerdes.EMBEDDING.decode(record.value()),
              record.headers(),
              record.leaderEpoch()));
    }
    for (ConsumerRecord<String, byte[]> record : labels.poll(wait)) {
      labelRecords.add(
          new ConsumerRecord<>(
              record.topic(),
              record.partition(),
              record.offset(),
              record.timestamp(),
              record.timestampType(),
              record.serializedKeySize(),
              record.serializedValueSize(),
              record.key(),
              AvroSerdes.LABELS.decode(record.value()),
              record.headers(),
              record.leaderEpoch()));
    }
  }

  @Override
  public void close() {
    embeddings.close();
    labels.close();
  }
}
