package io.modernbert.stream.http;

import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces the documents of HTTP requests to the input topic (Avro single-object encoding, key =
 * id), all or nothing per request: one thread groups the requests waiting at that moment into one
 * Kafka transaction and commits it, so a request is either wholly visible to read_committed
 * consumers (the topology under exactly-once) or not at all, and many requests share one commit. A
 * request's future completes when its transaction committed, and fails if it aborted.
 */
public final class DocumentPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DocumentPublisher.class);
  private static final int MAX_REQUESTS_PER_TRANSACTION = 512;

  private record Request(List<Document> documents, CompletableFuture<Void> done) {}

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean failed;

  public DocumentPublisher(String bootstrapServers, String topic) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "modernbert-http-" + UUID.randomUUID());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    this.producer.initTransactions();
    this.topic = topic;
    this.thread = new Thread(this::loop, "modernbert-http-publisher");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Completes when the request's documents are committed; fails if their transaction aborted. */
  public CompletableFuture<Void> publish(List<Document> documents) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!healthy()) {
      done.completeExceptionally(new IllegalStateException("the publisher is closed or failed"));
      return done;
    }
    queue.add(new Request(List.copyOf(documents), done));
    return done;
  }

  private void loop() {
    List<Request> batch = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        Request first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_REQUESTS_PER_TRANSACTION - 1);
        commit(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void commit(List<Request> batch) {
    try {
      producer.beginTransaction();
      for (Request request : batch) {
        for (Document document : request.documents()) {
          producer.send(
              new ProducerRecord<>(topic, document.getId(), AvroSerdes.DOCUMENT.encode(document)));
        }
      }
      producer.commitTransaction();
      batch.forEach(request -> request.done().complete(null));
    } catch (ProducerFencedException e) {
      batch.forEach(request -> request.done().completeExceptionally(e));
      running = false;
      LOG.error("HTTP publisher fenced by another producer with its transactional id; it stops", e);
    } catch (RuntimeException e) {
      // Kafka errors and anything else (a serializer bug): fail these requests, never the thread.
      LOG.warn("transaction of {} requests failed, aborting: {}", batch.size(), e.toString());
      try {
        producer.abortTransaction();
      } catch (RuntimeException abort) {
        e.addSuppressed(abort);
        failed = true;
        LOG.error(
            "HTTP publisher cannot abort its transaction; it stops taking documents (/ready turns false)",
            abort);
      }
      batch.forEach(request -> request.done().completeExceptionally(e));
    }
  }

  /** Whether the publisher takes documents: its thread runs and its producer is usable. */
  public boolean healthy() {
    return running && !failed && thread.isAlive();
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close();
  }
}
