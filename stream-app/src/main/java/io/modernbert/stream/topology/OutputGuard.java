package io.modernbert.stream.topology;

import io.modernbert.schemas.Embedding;
import io.modernbert.schemas.Labels;
import io.modernbert.stream.errors.DeadLetterFactory;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Checks that an output fits in one produce request and in its topic before the processor forwards
 * it. Under exactly-once a send that fails (RecordTooLargeException) aborts the task's transaction
 * whatever the production handler answers, the records are read again, and the same output fails
 * again: a loop. Checked here, the document becomes a TOO_LARGE dead letter, and nothing is sent
 * that the producer would refuse. Costs one extra serialization per output, small beside a model
 * pass.
 */
final class OutputGuard {
  private final Topics topics;
  private final DeadLetterFactory deadLetters;

  OutputGuard(Topics topics, DeadLetterFactory deadLetters) {
    this.topics = topics;
    this.deadLetters = deadLetters;
  }

  /**
   * The serialized value when the record would not fit, else null. A serializer that fails here (a
   * registry outage, say) is left to fail again in the sink, where the production handler deals
   * with it.
   */
  byte[] oversized(String sink, String key, Object value, Headers headers) {
    String topic = topic(sink);
    byte[] bytes;
    try {
      bytes =
          sink.equals(ProcessorSettings.LABELS_SINK)
              ? topics.labels().valueSerde().serializer().serialize(topic, (Labels) value)
              : topics.embeddings().valueSerde().serializer().serialize(topic, (Embedding) value);
    } catch (RuntimeException e) {
      return null;
    }
    long headerBytes = 0;
    for (Header header : headers) {
      headerBytes +=
          header.key().length() * 3L + (header.value() == null ? 0 : header.value().length);
    }
    long keyBytes = key == null ? 0 : key.getBytes(StandardCharsets.UTF_8).length;
    return deadLetters.fits(topic, keyBytes, bytes.length, headerBytes) ? null : bytes;
  }

  /** The largest record the sink's topic takes from this application. */
  int limit(String sink) {
    return deadLetters.maxRecordBytes(topic(sink));
  }

  private String topic(String sink) {
    return sink.equals(ProcessorSettings.LABELS_SINK)
        ? topics.labels().name()
        : topics.embeddings().name();
  }
}
