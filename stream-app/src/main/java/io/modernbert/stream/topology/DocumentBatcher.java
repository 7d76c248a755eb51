package io.modernbert.stream.topology;

import io.modernbert.model.engine.DocumentInput;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.graph.BatchShape;
import io.modernbert.model.tokenizer.Encoding;
import io.modernbert.schemas.Document;
import io.modernbert.schemas.Embedding;
import io.modernbert.schemas.Labels;
import io.modernbert.schemas.PendingDocument;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Groups tokenized documents by length class (see {@link #lengthClasses}) in a persistent,
 * changelogged store and runs a class
 * through the model when its next document would pass the token budget, or when its oldest
 * document has waited {@code maxWait} of wall-clock time.
 *
 * <p>Store keys are {@code <class>/<input offset>}, so a class is one prefix scan, in arrival
 * order. The per-class token counts and oldest arrival times are kept in memory and rebuilt from
 * the store at init, after a restore. Outputs are forwarded and the batch's entries deleted in the
 * same step: under exactly-once they commit atomically with the input offsets.
 */
final class DocumentBatcher implements Processor<String, Document, String, Object> {
  private final InferenceEngine engine;
  private final BatcherSettings settings;
  private final StreamMetrics metrics;
  private final int[] classLengths;
  private final ClassState[] classes;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, PendingDocument> store;
  private long batchSequence;

  /** Tokens and oldest wall-clock arrival of the documents waiting in one length class. */
  private static final class ClassState {
    int tokens;
    int documents;
    long oldestArrival = Long.MAX_VALUE;

    void add(int documentTokens, long arrivedAt) {
      tokens += documentTokens;
      documents++;
      oldestArrival = Math.min(oldestArrival, arrivedAt);
    }

    void clear() {
      tokens = 0;
      documents = 0;
      oldestArrival = Long.MAX_VALUE;
    }
  }

  DocumentBatcher(InferenceEngine engine, BatcherSettings settings, StreamMetrics metrics) {
    this.engine = engine;
    this.settings = settings;
    this.metrics = metrics;
    this.classLengths = lengthClasses(engine.shapes().stream().mapToInt(BatchShape::length).max().orElseThrow());
    this.classes = new ClassState[classLengths.length];
    for (int i = 0; i < classes.length; i++) {
      classes[i] = new ClassState();
    }
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.store = context.getStateStore(BatcherSettings.STORE);
    try (KeyValueIterator<String, PendingDocument> pending = store.all()) {
      while (pending.hasNext()) {
        KeyValue<String, PendingDocument> entry = pending.next();
        classes[classOf(entry.key)].add(entry.value.getTokenIds().size(), entry.value.getArrivedAt().toEpochMilli());
      }
    }
    long tick = Math.max(1, settings.maxWait().toMillis() / 5);
    context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::flushExpired);
  }

  @Override
  public void process(Record<String, Document> record) {
    Document document = record.value();
    Encoding encoding = engine.tokenizer().encode(document.getText());
    int length = encoding.ids().length;
    int lengthClass = lengthClass(length);
    if (classes[lengthClass].tokens + length > settings.batchTokens()) {
      flush(lengthClass);
    }
    long now = context.currentSystemTimeMs();
    long offset = context.recordMetadata().map(m -> m.offset()).orElseThrow();
    PendingDocument pending = PendingDocument.newBuilder()
        .setId(document.getId())
        .setTokenIds(toList(encoding.ids()))
        .setTruncated(encoding.truncated())
        .setArrivedAt(Instant.ofEpochMilli(now))
        .setSourceTimestamp(Instant.ofEpochMilli(record.timestamp()))
        .setAttributes(document.getAttributes())
        .setCreatedAt(document.getCreatedAt())
        .build();
    store.put(String.format("%02d/%019d", lengthClass, offset), pending);
    classes[lengthClass].add(length, now);
    if (classes[lengthClass].tokens >= settings.batchTokens()) {
      flush(lengthClass);
    }
  }

  private void flushExpired(long now) {
    for (int c = 0; c < classes.length; c++) {
      if (classes[c].documents > 0 && now - classes[c].oldestArrival >= settings.maxWait().toMillis()) {
        flush(c);
      }
    }
  }

  /** Runs every waiting document of {@code lengthClass} through the model and forwards the results. */
  private void flush(int lengthClass) {
    List<String> keys = new ArrayList<>();
    List<PendingDocument> documents = new ArrayList<>();
    try (KeyValueIterator<String, PendingDocument> entries =
        store.prefixScan(String.format("%02d/", lengthClass), new StringSerializer())) {
      while (entries.hasNext()) {
        KeyValue<String, PendingDocument> entry = entries.next();
        keys.add(entry.key);
        documents.add(entry.value);
      }
    }
    if (documents.isEmpty()) {
      classes[lengthClass].clear();
      return;
    }
    List<DocumentInput> inputs = new ArrayList<>(documents.size());
    int tokens = 0;
    for (PendingDocument document : documents) {
      int[] ids = document.getTokenIds().stream().mapToInt(Integer::intValue).toArray();
      inputs.add(DocumentInput.ids(document.getId(), ids));
      tokens += ids.length;
    }
    long start = System.nanoTime();
    List<EncodedDocument> results = engine.encode(inputs, false, metrics::pass);
    Duration modelTime = Duration.ofNanos(System.nanoTime() - start);
    metrics.batch(documents.size(), tokens, modelTime);

    RecordHeaders headers = new RecordHeaders();
    headers.add(OutputRecords.MODEL_HEADER, settings.modelName().getBytes(StandardCharsets.UTF_8));
    headers.add(OutputRecords.INFERENCE_MS_HEADER, Long.toString(modelTime.toMillis()).getBytes(StandardCharsets.UTF_8));
    headers.add(OutputRecords.BATCH_DOCUMENTS_HEADER, Integer.toString(documents.size()).getBytes(StandardCharsets.UTF_8));
    headers.add(OutputRecords.BATCH_TOKENS_HEADER, Integer.toString(tokens).getBytes(StandardCharsets.UTF_8));
    headers.add(OutputRecords.BATCH_ID_HEADER,
        (context.taskId() + "/" + (++batchSequence)).getBytes(StandardCharsets.UTF_8));
    long now = context.currentSystemTimeMs();
    for (int i = 0; i < documents.size(); i++) {
      PendingDocument source = documents.get(i);
      EncodedDocument result = results.get(i);
      long timestamp = source.getSourceTimestamp().toEpochMilli();
      Embedding embedding = OutputRecords.embedding(settings, engine, source, result, now);
      context.forward(new Record<String, Object>(source.getId(), embedding, timestamp, headers), BatcherSettings.EMBEDDINGS_SINK);
      if (engine.config().isClassifier()) {
        Labels labels = OutputRecords.labels(settings, engine, source, result, now);
        context.forward(new Record<String, Object>(source.getId(), labels, timestamp, headers), BatcherSettings.LABELS_SINK);
      }
      metrics.delivered(timestamp, now);
    }
    keys.forEach(store::delete);
    classes[lengthClass].clear();
  }

  /**
   * Upper bounds of the length classes: each spans a factor of 4 (1-256, 257-1024, 1025-4096,
   * 4097-8192 tokens). Within a class the engine's planner packs long documents into rows and fills
   * the gaps with shorter ones; a class as narrow as one row length would leave about a quarter of
   * every row empty (documents of 257-512 tokens cannot share a 512-slot row).
   */
  static int[] lengthClasses(int longest) {
    List<Integer> bounds = new ArrayList<>();
    for (int bound = 256; bound < longest; bound *= 4) {
      bounds.add(bound);
    }
    bounds.add(longest);
    return bounds.stream().mapToInt(Integer::intValue).toArray();
  }

  int lengthClass(int tokens) {
    for (int c = 0; c < classLengths.length; c++) {
      if (tokens <= classLengths[c]) {
        return c;
      }
    }
    throw new IllegalArgumentException(tokens + " tokens is longer than the longest batch row " + classLengths[classLengths.length - 1]);
  }

  private static int classOf(String key) {
    return Integer.parseInt(key.substring(0, key.indexOf('/')));
  }

  private static List<Integer> toList(int[] ids) {
    List<Integer> list = new ArrayList<>(ids.length);
    for (int id : ids) {
      list.add(id);
    }
    return list;
  }
}
