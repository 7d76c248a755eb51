package io.modernbert.stream.topology;

import io.modernbert.schemas.DeadLetterReason;
import io.modernbert.schemas.Document;
import io.modernbert.schemas.PendingDocument;
import io.modernbert.stream.errors.DeadLetterFactory;
import io.modernbert.stream.errors.InputLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The dead letters one task's processor sends itself, through its dead-letter sink (so that under
 * exactly-once they commit with the task's offsets): documents without an id, documents whose key,
 * id, attributes or copied headers are over {@link InputLimits}, documents that fail inference, and
 * outputs too large to send. The envelope, log line and count are {@link DeadLetterFactory}'s.
 */
final class TaskDeadLetters {
  private final ProcessorContext<String, Object> context;
  private final ProcessorSettings settings;
  private final DeadLetterFactory factory;

  TaskDeadLetters(
      ProcessorContext<String, Object> context,
      ProcessorSettings settings,
      DeadLetterFactory factory) {
    this.context = context;
    this.settings = settings;
    this.factory = factory;
  }

  /** A record whose format gives no id and that has no key either: a MISSING_ID dead letter. */
  void missingId(Record<String, Document> record, long offset) {
    send(
        DeadLetterReason.MISSING_ID,
        "the record has no key and its value no id field (name one, or key the records by id)",
        offset,
        record.timestamp(),
        null,
        utf8(record.value().getText())); // the text, as read
  }

  /**
   * A TOO_LARGE dead letter if what the document carries besides its text (it is kept in the store
   * and copied to every output) is over the limits; returns whether it was one.
   */
  boolean tooLarge(
      Record<String, Document> record, String id, Map<String, ByteBuffer> headers, long offset) {
    Optional<String> problem =
        InputLimits.keyProblem("key", record.key())
            .or(() -> InputLimits.keyProblem("id", id))
            .or(() -> InputLimits.attributesProblem(record.value().getAttributes()))
            .or(() -> headersProblem(headers));
    problem.ifPresent(
        why ->
            send(
                DeadLetterReason.TOO_LARGE,
                "the document has " + why,
                offset,
                record.timestamp(),
                record.key(),
                utf8(record.value().getText())));
    return problem.isPresent();
  }

  /**
   * A document that fails inference on its own: a PROCESSING_FAILED dead letter. The text is not
   * kept after tokenizing: find it at the source offset.
   */
  void inferenceFailed(long offset, PendingDocument source, RuntimeException failure) {
    send(
        DeadLetterReason.PROCESSING_FAILED,
        "inference failed (document " + source.getId() + "): " + failure,
        offset,
        source.getSourceTimestamp().toEpochMilli(),
        source.getId(),
        null);
  }

  /** An output over {@code limit} bytes: a TOO_LARGE dead letter with its first bytes. */
  void outputTooLarge(long offset, PendingDocument source, String sink, byte[] output, int limit) {
    send(
        DeadLetterReason.TOO_LARGE,
        "the "
            + sink.replace("-sink", "")
            + " output of document "
            + source.getId()
            + " has "
            + output.length
            + " bytes, more than its topic takes from us ("
            + limit
            + " bytes: max.request.size, max.message.bytes); its first bytes are kept",
        offset,
        source.getSourceTimestamp().toEpochMilli(),
        source.getId(),
        output);
  }

  /** Keyed by the letter's bounded prefix of {@code key}; nothing if the factory skipped it. */
  private void send(
      DeadLetterReason reason,
      String detail,
      long offset,
      long timestamp,
      String key,
      byte[] value) {
    DeadLetterFactory.Source where =
        new DeadLetterFactory.Source(
            settings.sourceTopic(), context.taskId().partition(), offset, timestamp);
    factory
        .letter(reason, detail, where, utf8(key), value)
        .ifPresent(
            letter -> {
              ByteBuffer kept = letter.getKey();
              String outKey =
                  kept == null ? null : StandardCharsets.UTF_8.decode(kept.duplicate()).toString();
              context.forward(
                  new Record<String, Object>(outKey, letter, timestamp),
                  ProcessorSettings.DEAD_LETTERS_SINK);
            });
  }

  private static Optional<String> headersProblem(Map<String, ByteBuffer> headers) {
    long bytes = 0;
    for (var header : headers.entrySet()) {
      bytes += header.getKey().length() + header.getValue().remaining();
    }
    return bytes > InputLimits.MAX_COPIED_HEADER_BYTES
        ? Optional.of(
            "copied headers of "
                + bytes
                + " bytes; the limit is "
                + InputLimits.MAX_COPIED_HEADER_BYTES)
        : Optional.empty();
  }

  private static byte[] utf8(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }
}
