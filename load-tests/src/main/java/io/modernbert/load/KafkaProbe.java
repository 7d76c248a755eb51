package io.modernbert.load;

import io.modernbert.stream.kafka.KafkaClientConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Ready when a probe document produced to the input topic comes back on the embeddings topic: the
 * service consumed it, ran the model and committed, behind whatever backlog the topic held. The
 * probe's id is the run's {@link RunIds#probeId}, which the run's output tracker leaves out, so the
 * probe is never counted. Its consumer is positioned at the end of the embeddings topic before the
 * probe goes out, so the answer cannot be missed; while that topic does not exist (a service that
 * has not started yet), nothing is sent.
 */
final class KafkaProbe implements ReadyCheck {
  /** English and short: one of the serving shapes, answered in milliseconds once ready. */
  static final String TEXT = "Is the service ready? It is when this sentence comes back embedded.";

  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final String documentsTopic;
  private final String embeddingsTopic;
  private final String probeId;
  private final AtomicReference<Exception> sendError = new AtomicReference<>();
  private boolean sent;
  private String lastAnswer = "probe not sent yet";

  KafkaProbe(KafkaClientConfig kafka, String documentsTopic, String embeddingsTopic, RunIds ids) {
    this.consumer = OutputTracker.consumer(kafka, "modernbert-load-ready-probe");
    this.producer = KafkaDriver.producer(kafka, "modernbert-load-ready-probe");
    this.documentsTopic = documentsTopic;
    this.embeddingsTopic = embeddingsTopic;
    this.probeId = ids.probeId();
  }

  @Override
  public String describe() {
    return "a probe document sent to " + documentsTopic + " comes back on " + embeddingsTopic;
  }

  @Override
  public boolean poll() {
    if (!sent && !sendProbe()) {
      return false;
    }
    Exception error = sendError.get();
    if (error != null) {
      throw new IllegalStateException("the readiness probe could not be sent: " + error, error);
    }
    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
      if (probeId.equals(record.key())) {
        return true;
      }
    }
    return false;
  }

  /** Positions the consumer at the end of the embeddings topic, then sends; false if too early. */
  private boolean sendProbe() {
    List<PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(embeddingsTopic, Duration.ofSeconds(1));
    } catch (TimeoutException e) {
      lastAnswer = "no metadata from the brokers yet";
      return false;
    }
    if (infos == null || infos.isEmpty()) {
      lastAnswer = "topic " + embeddingsTopic + " does not exist yet";
      return false;
    }
    List<TopicPartition> partitions = new ArrayList<>();
    infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // seekToEnd is lazy: fix the end before the send
    LoadDocument probe = new LoadDocument(probeId, TEXT, 0);
    producer.send(
        new ProducerRecord<>(
            documentsTopic, probeId.getBytes(StandardCharsets.UTF_8), KafkaDriver.value(probe)),
        (metadata, error) -> {
          if (error != null) {
            sendError.compareAndSet(null, error);
          }
        });
    sent = true;
    lastAnswer = "probe sent, no output yet";
    return true;
  }

  @Override
  public String lastAnswer() {
    return lastAnswer;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    consumer.close(Duration.ofSeconds(5));
  }
}
