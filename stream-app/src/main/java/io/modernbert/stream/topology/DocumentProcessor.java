package io.modernbert.stream.topology;

import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.tokenizer.Encoding;
import io.modernbert.schemas.DeadLetter;
import io.modernbert.schemas.DeadLetterReason;
import io.modernbert.schemas.Document;
import io.modernbert.schemas.PendingDocument;
import io.modernbert.stream.scheduler.BatchScheduler;
import io.modernbert.stream.scheduler.InferenceJob;
import io.modernbert.stream.scheduler.JobOutcome;
import io.modernbert.stream.scheduler.SchedulerStoppedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's side of the hand-off to the instance's {@link BatchScheduler}; it never waits on the
 * model.
 *
 * <p>{@link #process}: tokenize, put the document in the changelogged {@code pending-documents}
 * store (the input offset commits with that put), submit it. A wall-clock punctuation every few
 * milliseconds forwards the results the scheduler finished, in the task's own context, and deletes
 * their store entries: under exactly-once, outputs, deletes and offsets commit together.
 *
 * <p>A document that fails inference on its own (the scheduler retries and isolates it) becomes a
 * {@code PROCESSING_FAILED} dead letter; the other documents of its pass get their outputs.
 *
 * <p>After a crash the store is restored to its last commit and {@link #init} submits every entry
 * again, so each document is forwarded exactly once. When the task closes (a rebalance moved it),
 * its queued jobs are cancelled and late results are dropped: the new owner restores the store
 * and submits them itself.
 */
final class DocumentProcessor implements Processor<String, Document, String, Object> {
  private static final Logger LOG = LoggerFactory.getLogger(DocumentProcessor.class);

  private final BatchScheduler scheduler;
  private final InferenceEngine engine;
  private final ProcessorSettings settings;
  private final StreamMetrics metrics;
  private final Queue<Finished> finished = new ConcurrentLinkedQueue<>();
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, PendingDocument> store;

  /** A result ready to forward, with the store entry it came from. */
  private record Finished(String key, PendingDocument source, JobOutcome outcome) {}

  DocumentProcessor(BatchScheduler scheduler, ProcessorSettings settings, StreamMetrics metrics) {
    this.scheduler = scheduler;
    this.engine = scheduler.engine();
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.store = context.getStateStore(ProcessorSettings.STORE);
    List<KeyValue<String, PendingDocument>> pending = new ArrayList<>();
    try (KeyValueIterator<String, PendingDocument> entries = store.all()) {
      entries.forEachRemaining(pending::add);
    }
    for (KeyValue<String, PendingDocument> entry : pending) {
      submit(entry.key, entry.value);
    }
    context.schedule(settings.forwardInterval(), PunctuationType.WALL_CLOCK_TIME, now -> forwardFinished());
  }

  @Override
  public void process(Record<String, Document> record) {
    Document document = record.value();
    Encoding encoding = engine.tokenizer().encode(document.getText());
    long offset = context.recordMetadata().orElseThrow().offset();
    PendingDocument pending = PendingDocument.newBuilder()
        .setId(document.getId())
        .setTokenIds(toList(encoding.ids()))
        .setTruncated(encoding.truncated())
        .setArrivedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
        .setSourceTimestamp(Instant.ofEpochMilli(record.timestamp()))
        .setAttributes(document.getAttributes())
        .setCreatedAt(document.getCreatedAt())
        .build();
    String key = String.format("%019d", offset); // one input partition per task: offsets are unique keys
    store.put(key, pending);
    submit(key, pending);
  }

  private void submit(String key, PendingDocument pending) {
    int[] ids = pending.getTokenIds().stream().mapToInt(Integer::intValue).toArray();
    InferenceJob job = new InferenceJob(pending.getId(), ids, InferenceJob.Priority.STREAM, this,
        outcome -> finished.add(new Finished(key, pending, outcome)));
    try {
      scheduler.submit(job);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StreamsException("interrupted while handing document " + pending.getId() + " to the scheduler", e);
    }
  }

  /** Forwards every finished result and deletes its store entry. */
  private void forwardFinished() {
    long now = context.currentSystemTimeMs();
    for (Finished done = finished.poll(); done != null; done = finished.poll()) {
      JobOutcome outcome = done.outcome();
      if (outcome.failure() instanceof SchedulerStoppedException) {
        continue; // not the document's fault: it stays in the store and runs again after a restart
      }
      PendingDocument source = done.source();
      if (!outcome.succeeded()) {
        deadLetter(done.key(), source, outcome.failure(), now);
        continue;
      }
      EncodedDocument result = outcome.result();
      long timestamp = source.getSourceTimestamp().toEpochMilli();
      var headers = OutputRecords.headers(settings.modelName(), outcome.pass());
      context.forward(new Record<String, Object>(source.getId(),
          OutputRecords.embedding(settings, engine, source, result, now), timestamp, headers), ProcessorSettings.EMBEDDINGS_SINK);
      if (engine.config().isClassifier()) {
        context.forward(new Record<String, Object>(source.getId(),
            OutputRecords.labels(settings, engine, source, result, now), timestamp, headers), ProcessorSettings.LABELS_SINK);
      }
      store.delete(done.key());
      metrics.delivered(timestamp, now);
    }
  }

  /** A document that fails inference on its own: a PROCESSING_FAILED dead letter, and the rest goes on. */
  private void deadLetter(String key, PendingDocument source, RuntimeException failure, long now) {
    int partition = context.taskId().partition();
    long offset = Long.parseLong(key);
    LOG.warn("dead letter PROCESSING_FAILED for {}-{}@{} (document {}): {}", settings.sourceTopic(), partition, offset,
        source.getId(), failure.toString());
    DeadLetter letter = DeadLetter.newBuilder()
        .setReason(DeadLetterReason.PROCESSING_FAILED)
        .setDetail("inference failed: " + failure)
        .setSourceTopic(settings.sourceTopic())
        .setSourcePartition(partition)
        .setSourceOffset(offset)
        .setSourceTimestamp(source.getSourceTimestamp())
        .setKey(ByteBuffer.wrap(source.getId().getBytes(StandardCharsets.UTF_8)))
        .setValue(null) // the text is not kept after tokenizing: find it at the source offset
        .setApplication(settings.application())
        .setFailedAt(Instant.ofEpochMilli(now))
        .build();
    context.forward(new Record<String, Object>(source.getId(), letter, source.getSourceTimestamp().toEpochMilli()),
        ProcessorSettings.DEAD_LETTERS_SINK);
    store.delete(key);
    metrics.processingFailed();
  }

  /** The task is closing: its queued jobs need not run, and results still to come are dropped with this object. */
  @Override
  public void close() {
    scheduler.cancel(this);
    finished.clear();
  }

  private static List<Integer> toList(int[] ids) {
    List<Integer> list = new ArrayList<>(ids.length);
    for (int id : ids) {
      list.add(id);
    }
    return list;
  }
}
