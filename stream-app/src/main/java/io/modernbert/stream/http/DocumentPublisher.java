package io.modernbert.stream.http;

import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.Document;
import io.modernbert.stream.kafka.KafkaClientConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
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
 *
 * <p>The transactional id is stable per instance ({@value #TRANSACTIONAL_ID_PREFIX} + the
 * instance's group name): a restart after SIGKILL fences the dead producer's open transaction at
 * once, instead of leaving read_committed consumers stalled until it times out. The queue is
 * bounded (a full one refuses with {@link PublisherBusyException}, HTTP 429), and a document whose
 * record would exceed the producer's {@code max.request.size} is refused alone ({@link
 * RecordTooLargeException}, HTTP 413) before it can abort a transaction that other requests share.
 */
public final class DocumentPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DocumentPublisher.class);
  private static final int MAX_REQUESTS_PER_TRANSACTION = 512;

  /** Prefix of the producer's transactional id; the ACLs name it (prefixed WRITE, DESCRIBE). */
  public static final String TRANSACTIONAL_ID_PREFIX = "modernbert-http-";

  /** Requests that may wait for a transaction; more are refused (HTTP 429). */
  static final int MAX_QUEUED_REQUESTS = 4_096;

  /** Kafka's default {@code max.request.size}. */
  private static final int DEFAULT_MAX_REQUEST_SIZE = 1_048_576;

  /** Room a record needs beyond its key and value in a batch (headers, varints, batch header). */
  private static final int RECORD_OVERHEAD_BYTES = 512;

  /** The queue is full: the broker is slower than the requests arrive. */
  public static final class PublisherBusyException extends RuntimeException {
    PublisherBusyException(int queued) {
      super(queued + " ingestion requests are already waiting for the broker; retry later");
    }
  }

  private record Request(List<Document> documents, CompletableFuture<Void> done) {}

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>(MAX_QUEUED_REQUESTS);
  private final int maxRecordBytes;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean failed;

  /**
   * @param kafka the cluster and the client settings every client of the service shares
   * @param topic the input topic
   * @param instanceId this instance's stable name (its group instance id), which makes the
   *     transactional id
   */
  public DocumentPublisher(KafkaClientConfig kafka, String topic, String instanceId) {
    Map<String, Object> props =
        kafka.producer(
            "modernbert-http-publisher",
            Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000),
            Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID_PREFIX + instanceId));
    Object maxRequestSize = props.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    this.maxRecordBytes =
        maxRequestSize == null
            ? DEFAULT_MAX_REQUEST_SIZE
            : Integer.parseInt(maxRequestSize.toString().strip());
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
    List<Document> copied = List.copyOf(documents);
    for (Document document : copied) {
      int bytes = recordBytes(document);
      if (bytes > maxRecordBytes) {
        done.completeExceptionally(
            new RecordTooLargeException(
                "document "
                    + document.getId()
                    + " would be a record of "
                    + bytes
                    + " bytes; the producer's max.request.size is "
                    + maxRecordBytes));
        return done;
      }
    }
    if (!queue.offer(new Request(copied, done))) {
      done.completeExceptionally(new PublisherBusyException(queue.size()));
    }
    return done;
  }

  /** An upper bound of the document's size as a record: key, encoded value and overhead. */
  private static int recordBytes(Document document) {
    return document.getId().length() * 3
        + AvroSerdes.DOCUMENT.encode(document).length
        + RECORD_OVERHEAD_BYTES;
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
