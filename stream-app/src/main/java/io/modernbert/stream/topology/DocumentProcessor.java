package io.modernbert.stream.topology;

import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.engine.Windows;
import io.modernbert.model.tokenizer.Encoding;
import io.modernbert.schemas.Document;
import io.modernbert.schemas.PendingDocument;
import io.modernbert.stream.errors.DeadLetterFactory;
import io.modernbert.stream.scheduler.BatchScheduler;
import io.modernbert.stream.scheduler.InferenceJob;
import io.modernbert.stream.scheduler.JobOutcome;
import io.modernbert.stream.scheduler.SchedulerStoppedException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
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
 * its queued jobs are cancelled and late results are dropped: the new owner restores the store and
 * submits them itself.
 */
final class DocumentProcessor implements Processor<String, Document, String, Object> {
  private static final Logger LOG = LoggerFactory.getLogger(DocumentProcessor.class);

  private final Supplier<BatchScheduler> schedulerSupplier;
  private final ProcessorSettings settings;
  private final StreamMetrics metrics;
  private final DeadLetterFactory deadLetterFactory;
  private final OutputGuard outputs;
  private TaskDeadLetters deadLetters;
  private final Queue<Finished> finished = new ConcurrentLinkedQueue<>();
  private BatchScheduler scheduler;
  private InferenceEngine engine;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, PendingDocument> store;

  /** A result ready to forward, with the store entry it came from. */
  private record Finished(String key, PendingDocument source, JobOutcome outcome) {}

  /**
   * {@code scheduler} is asked for in {@link #init}, which may block: the application starts Kafka
   * Streams while the model still loads, and a task's first processing waits for it there.
   */
  DocumentProcessor(
      Supplier<BatchScheduler> scheduler,
      ProcessorSettings settings,
      StreamMetrics metrics,
      DeadLetterFactory deadLetters,
      OutputGuard outputs) {
    this.schedulerSupplier = scheduler;
    this.settings = settings;
    this.metrics = metrics;
    this.deadLetterFactory = deadLetters;
    this.outputs = outputs;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.scheduler = schedulerSupplier.get();
    this.engine = scheduler.engine();
    this.context = context;
    this.store = context.getStateStore(ProcessorSettings.STORE);
    this.deadLetters = new TaskDeadLetters(context, settings, deadLetterFactory);
    List<KeyValue<String, PendingDocument>> pending = new ArrayList<>();
    try (KeyValueIterator<String, PendingDocument> entries = store.all()) {
      entries.forEachRemaining(pending::add);
    }
    for (KeyValue<String, PendingDocument> entry : pending) {
      submit(entry.key, entry.value);
    }
    context.schedule(
        settings.forwardInterval(), PunctuationType.WALL_CLOCK_TIME, now -> forwardFinished());
  }

  @Override
  public void process(Record<String, Document> record) {
    Document document = record.value();
    long offset = context.recordMetadata().orElseThrow().offset();
    // Formats without an id field (string, json without --id-field) leave it empty: the key is the
    // id.
    String id = document.getId().isEmpty() ? record.key() : document.getId();
    if (id == null || id.isBlank()) {
      deadLetters.missingId(record, offset);
      return;
    }
    var headers = copied(record.headers());
    if (deadLetters.tooLarge(record, id, headers, offset)) {
      return;
    }
    Encoding encoding = engine.tokenizer().encode(document.getText());
    List<List<Integer>> windows = List.of();
    if (encoding.truncated() && settings.windowed()) {
      windows =
          Windows.split(engine, document.getText(), settings.windowOverlap()).stream()
              .map(window -> toList(window.ids()))
              .toList();
    }
    PendingDocument pending =
        PendingDocument.newBuilder()
            .setId(id)
            .setKey(record.key())
            .setTokenIds(windows.isEmpty() ? toList(encoding.ids()) : List.of())
            .setWindows(windows)
            .setTruncated(encoding.truncated() && windows.isEmpty())
            .setArrivedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
            .setSourceTimestamp(Instant.ofEpochMilli(record.timestamp()))
            .setAttributes(document.getAttributes())
            .setHeaders(headers)
            .setCreatedAt(document.getCreatedAt())
            .build();
    String key =
        String.format("%019d", offset); // one input partition per task: offsets are unique keys
    store.put(key, pending);
    submit(key, pending);
  }

  private void submit(String key, PendingDocument pending) {
    if (!pending.getWindows().isEmpty()) {
      submitWindows(key, pending);
      return;
    }
    submit(
        new InferenceJob(
            pending.getId(),
            toArray(pending.getTokenIds()),
            InferenceJob.Priority.STREAM,
            this,
            outcome -> finished.add(new Finished(key, pending, outcome))));
  }

  /**
   * A document read in windows: one job per window; when the last one is done, their combined
   * result is finished as one (see {@link Windows#combine}). The first failure fails the document.
   * Sinks run on the scheduler's one thread.
   */
  private void submitWindows(String key, PendingDocument pending) {
    List<List<Integer>> windows = pending.getWindows();
    EncodedDocument[] parts = new EncodedDocument[windows.size()];
    int[] remaining = {windows.size()};
    boolean[] failed = {false};
    boolean normalized = engine.pooling().normalize() || engine.options().normalize();
    for (int i = 0; i < windows.size(); i++) {
      int window = i;
      submit(
          new InferenceJob(
              pending.getId() + "#" + window,
              toArray(windows.get(window)),
              InferenceJob.Priority.STREAM,
              this,
              outcome -> {
                if (failed[0]) {
                  return;
                }
                if (!outcome.succeeded()) {
                  failed[0] = true;
                  finished.add(new Finished(key, pending, outcome));
                  return;
                }
                parts[window] = outcome.result();
                if (--remaining[0] == 0) {
                  EncodedDocument combined =
                      Windows.combine(pending.getId(), List.of(parts), engine.config(), normalized);
                  finished.add(
                      new Finished(
                          key,
                          pending,
                          new JobOutcome(outcome.job(), combined, null, outcome.pass())));
                }
              }));
    }
  }

  private void submit(InferenceJob job) {
    try {
      scheduler.submit(job);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StreamsException(
          "interrupted while handing document " + job.id() + " to the scheduler", e);
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
        deadLetters.inferenceFailed(Long.parseLong(done.key()), source, outcome.failure());
        store.delete(done.key());
        continue;
      }
      forward(done.key(), source, outcome, now);
    }
  }

  /**
   * The outputs of one finished document; a TOO_LARGE dead letter instead if one would not fit in a
   * produce request (see {@link OutputGuard}).
   */
  private void forward(String storeKey, PendingDocument source, JobOutcome outcome, long now) {
    EncodedDocument result = outcome.result();
    long timestamp = source.getSourceTimestamp().toEpochMilli();
    var headers = OutputRecords.headers(settings.modelName(), outcome.pass());
    source.getHeaders().forEach((name, value) -> headers.add(name, bytes(value)));
    String key = outputKey(source);
    List<Record<String, Object>> records = new ArrayList<>(2);
    List<String> sinks = new ArrayList<>(2);
    records.add(
        new Record<>(
            key,
            OutputRecords.embedding(settings, engine, source, result, now),
            timestamp,
            headers));
    sinks.add(ProcessorSettings.EMBEDDINGS_SINK);
    if (engine.config().isClassifier()) {
      records.add(
          new Record<>(
              key,
              OutputRecords.labels(settings, engine, source, result, now),
              timestamp,
              headers));
      sinks.add(ProcessorSettings.LABELS_SINK);
    }
    for (int i = 0; i < records.size(); i++) {
      Record<String, Object> output = records.get(i);
      byte[] oversized = outputs.oversized(sinks.get(i), key, output.value(), headers);
      if (oversized != null) {
        deadLetters.outputTooLarge(
            Long.parseLong(storeKey), source, sinks.get(i), oversized, outputs.limit(sinks.get(i)));
        store.delete(storeKey);
        return;
      }
    }
    for (int i = 0; i < records.size(); i++) {
      context.forward(records.get(i), sinks.get(i));
    }
    store.delete(storeKey);
    metrics.delivered(timestamp, now);
  }

  /**
   * The task is closing: its queued jobs need not run, and results still to come are dropped with
   * this object.
   */
  @Override
  public void close() {
    if (scheduler != null) { // null: closed before init, e.g. when the model failed to load
      scheduler.cancel(this);
    }
    finished.clear();
  }

  /** Outputs keep the input record's key; records without one are keyed by their id. */
  private static String outputKey(PendingDocument source) {
    return source.getKey() != null ? source.getKey() : source.getId();
  }

  /** The input headers the settings name (the last of each), to copy to the outputs. */
  private Map<String, ByteBuffer> copied(Headers headers) {
    if (settings.copiedHeaders().isEmpty()) {
      return Map.of(); // the usual case: nothing to look up or allocate per record
    }
    Map<String, ByteBuffer> copied = new HashMap<>();
    for (String name : settings.copiedHeaders()) {
      Header header = headers.lastHeader(name);
      if (header != null && header.value() != null) {
        copied.put(name, ByteBuffer.wrap(header.value()));
      }
    }
    return copied;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  private static int[] toArray(List<Integer> ids) {
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  private static List<Integer> toList(int[] ids) {
    List<Integer> list = new ArrayList<>(ids.length);
    for (int id : ids) {
      list.add(id);
    }
    return list;
  }
}
