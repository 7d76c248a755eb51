package io.modernbert.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per-document accounting of a Kafka run, indexed by the document's number in its id: when it was
 * sent (or meant to be), whether the broker refused it, and how many embeddings and labels came
 * back. The sender thread and the producer's callback thread write sends, the output consumer
 * writes receipts; all fields are atomic so the progress line can read them at any time.
 */
final class DeliveryBook {
  private static final long NOT_SENT = Long.MIN_VALUE;
  static final long UNKNOWN = Long.MIN_VALUE;

  private final int size;
  private final AtomicLongArray sentNanos;
  private final AtomicIntegerArray failed;
  private final AtomicIntegerArray embeddings;
  private final AtomicLongArray firstEmbeddingNanos;
  private final AtomicLongArray processedAtMillis;
  private final AtomicIntegerArray labels;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong labelled = new AtomicLong();
  private final AtomicLong foreign = new AtomicLong();
  private final LatencyStats latency;

  DeliveryBook(int size, long originNanos) {
    this.size = size;
    this.sentNanos = new AtomicLongArray(size);
    for (int i = 0; i < size; i++) {
      sentNanos.set(i, NOT_SENT);
    }
    this.failed = new AtomicIntegerArray(size);
    this.embeddings = new AtomicIntegerArray(size);
    this.firstEmbeddingNanos = new AtomicLongArray(size);
    this.processedAtMillis = new AtomicLongArray(size);
    this.labels = new AtomicIntegerArray(size);
    this.latency = new LatencyStats(originNanos);
  }

  /** Document {@code index} is (about to be) sent; its latency counts from {@code startNanos}. */
  void sent(int index, long startNanos) {
    sentNanos.set(index, startNanos);
    latency.started(startNanos);
    sent.incrementAndGet();
  }

  /** The producer gave up on document {@code index}: it is a send error, not a missing output. */
  void failed(int index) {
    if (failed.getAndSet(index, 1) == 0) {
      failures.incrementAndGet();
    }
  }

  /**
   * An embedding for document {@code index} was read at {@code nowNanos}. Returns true for the
   * document's first one, whose latency is recorded; later ones are duplicates.
   */
  boolean embedding(int index, long nowNanos) {
    return embedding(index, nowNanos, UNKNOWN);
  }

  /**
   * As {@link #embedding(int, long)}, with the service's processedAt (epoch milliseconds, or {@link
   * #UNKNOWN}): when it wrote the output, before the commit that made it visible.
   */
  boolean embedding(int index, long nowNanos, long processedAtMillis) {
    if (!ours(index)) {
      return false;
    }
    if (embeddings.incrementAndGet(index) != 1) {
      return false;
    }
    received.incrementAndGet();
    firstEmbeddingNanos.set(index, nowNanos);
    this.processedAtMillis.set(index, processedAtMillis);
    latency.record(sentNanos.get(index), nowNanos);
    return true;
  }

  void labels(int index) {
    if (ours(index) && labels.incrementAndGet(index) == 1) {
      labelled.incrementAndGet();
    }
  }

  /** An output of this run's id space that was never sent (or of another run) is foreign. */
  private boolean ours(int index) {
    if (index < 0 || index >= size || sentNanos.get(index) == NOT_SENT) {
      foreign.incrementAndGet();
      return false;
    }
    return true;
  }

  void foreign() {
    foreign.incrementAndGet();
  }

  /** Every accepted document has an embedding, and labels too when {@code labelsExpected}. */
  boolean complete(boolean labelsExpected) {
    return missing() == 0 && (!labelsExpected || missing(labels) == 0);
  }

  /** Ids with more than one output on the topic counted by {@code counts}. */
  private int duplicates(AtomicIntegerArray counts) {
    int n = 0;
    for (int i = 0; i < size; i++) {
      n += counts.get(i) > 1 ? 1 : 0;
    }
    return n;
  }

  int duplicateEmbeddings() {
    return duplicates(embeddings);
  }

  int duplicateLabels() {
    return duplicates(labels);
  }

  /** Sent, not refused by the broker, and no embedding came back. */
  int missing() {
    return missing(embeddings);
  }

  int missingLabels() {
    return missing(labels);
  }

  /** Accepted documents without an output on the topic counted by {@code counts}. */
  private int missing(AtomicIntegerArray counts) {
    int n = 0;
    for (int i = 0; i < size; i++) {
      n += sentNanos.get(i) != NOT_SENT && failed.get(i) == 0 && counts.get(i) == 0 ? 1 : 0;
    }
    return n;
  }

  long sent() {
    return sent.get();
  }

  long failures() {
    return failures.get();
  }

  long received() {
    return received.get();
  }

  long labelled() {
    return labelled.get();
  }

  long foreignOutputs() {
    return foreign.get();
  }

  /**
   * Each sent document's length, send second and latency ({@code documents} in index order); {@code
   * clock} turns send times into wall-clock milliseconds, to compare with processedAt.
   */
  List<DocumentLatency> perDocument(List<LoadDocument> documents, RunClock clock) {
    List<DocumentLatency> rows = new ArrayList<>();
    for (int i = 0; i < Math.min(size, documents.size()); i++) {
      long sentAt = sentNanos.get(i);
      if (sentAt == NOT_SENT) {
        continue;
      }
      boolean received = embeddings.get(i) > 0;
      double latencyMs = received ? (firstEmbeddingNanos.get(i) - sentAt) / 1e6 : Double.NaN;
      long processedAt = processedAtMillis.get(i);
      double processedMs =
          received && processedAt != UNKNOWN
              ? processedAt - clock.wallMillis(sentAt)
              : Double.NaN; // ms resolution: the service writes processedAt in milliseconds
      LoadDocument document = documents.get(i);
      rows.add(
          new DocumentLatency(
              document.id(), document.tokens(), clock.seconds(sentAt), latencyMs, processedMs));
    }
    return rows;
  }

  LatencyStats latency() {
    return latency;
  }
}
