package io.modernbert.stream.http;

import io.modernbert.schemas.Document;
import io.modernbert.schemas.Serdes;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces documents to the input topic (Avro single-object encoding, key = id) and completes when
 * the broker acknowledged every one of them (acks=all, idempotent). Thread-safe.
 */
public final class DocumentPublisher implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final String topic;

  public DocumentPublisher(String bootstrapServers, String topic) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    this.topic = topic;
  }

  /** Completes when all are acknowledged; fails with the first error. */
  public CompletableFuture<Void> publish(List<Document> documents) {
    CompletableFuture<?>[] acks = new CompletableFuture<?>[documents.size()];
    for (int i = 0; i < documents.size(); i++) {
      Document document = documents.get(i);
      CompletableFuture<Void> ack = new CompletableFuture<>();
      acks[i] = ack;
      producer.send(new ProducerRecord<>(topic, document.getId(), Serdes.DOCUMENT.encode(document)), (metadata, error) -> {
        if (error != null) {
          ack.completeExceptionally(error);
        } else {
          ack.complete(null);
        }
      });
    }
    return CompletableFuture.allOf(acks);
  }

  @Override
  public void close() {
    producer.close();
  }
}
