package io.modernbert.load;

import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.Document;
import io.modernbert.stream.kafka.KafkaClientConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces the run's documents to the input topic: Avro {@code Document} in single-object encoding,
 * keyed by id, encoded when the driver is made so that the send loop measures the service, not us.
 * Each record's timestamp is the time its latency counts from (the intended time at a rate).
 */
final class KafkaDriver implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final AtomicReference<Exception> firstError = new AtomicReference<>();
  private final byte[][] keys;
  private final byte[][] values;

  KafkaDriver(KafkaClientConfig kafka, String topic, List<LoadDocument> documents) {
    this.keys = new byte[documents.size()][];
    this.values = new byte[documents.size()][];
    for (int i = 0; i < documents.size(); i++) {
      keys[i] = documents.get(i).id().getBytes(StandardCharsets.UTF_8);
      values[i] = value(documents.get(i));
    }
    this.producer = producer(kafka, "modernbert-load-producer");
    this.topic = topic;
  }

  /**
   * A producer of encoded keys and values as the run's: every write acknowledged by all replicas,
   * small lingering so that a burst goes out in large batches.
   */
  static KafkaProducer<byte[], byte[]> producer(KafkaClientConfig kafka, String clientId) {
    Map<String, Object> config =
        kafka.producer(
            clientId,
            Map.of(
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                "5",
                ProducerConfig.BATCH_SIZE_CONFIG,
                Integer.toString(256 * 1024)),
            Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName()));
    return new KafkaProducer<>(config);
  }

  /** The single-object encoded value of a document, as the service expects it. */
  static byte[] value(LoadDocument document) {
    return AvroSerdes.DOCUMENT.encode(
        Document.newBuilder().setId(document.id()).setText(document.text()).build());
  }

  /**
   * Sends every document on the timeline and waits until the broker has answered for all. The book
   * learns each send before it happens (so an output can never arrive first) and each refusal.
   */
  void send(Timeline timeline, DeliveryBook book, RunClock clock) {
    long start = System.nanoTime();
    for (int i = 0; i < keys.length; i++) {
      long due = timeline.await(start, i);
      int index = i;
      book.sent(index, due);
      producer.send(
          new ProducerRecord<>(topic, null, clock.wallMillis(due), keys[i], values[i]),
          (metadata, error) -> {
            if (error != null) {
              book.failed(index);
              firstError.compareAndSet(null, error);
            }
          });
    }
    producer.flush();
  }

  /** The first send error, for the summary; null when the broker accepted everything. */
  Exception firstError() {
    return firstError.get();
  }

  @Override
  public void close() {
    producer.close();
  }
}
