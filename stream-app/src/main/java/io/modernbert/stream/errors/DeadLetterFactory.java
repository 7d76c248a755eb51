package io.modernbert.stream.errors;

import io.micrometer.core.instrument.MeterRegistry;
import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.DeadLetter;
import io.modernbert.schemas.DeadLetterReason;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that builds, logs and counts dead letters, whichever stage failed: the three Kafka
 * Streams handlers and the processor all come here.
 *
 * <p>A dead letter must always be writable, or it becomes the next poison pill: the envelope keeps
 * at most {@link #VALUE_PREFIX_BYTES} of the value (and {@code valueSize}, the whole size), at most
 * {@link #KEY_PREFIX_BYTES} of the key and a bounded detail, and the encoded letter is checked
 * against the producer's {@code max.request.size} and the dead-letter topic's {@code
 * max.message.bytes} (else, rejected by the broker, it would abort the transaction under
 * exactly-once); without room for the value's prefix it is sent without it. One that still does not
 * fit is logged with its source topic, partition and offset and skipped ({@link Optional#empty()}):
 * never retried.
 */
public final class DeadLetterFactory {
  /** Streams config key under which the application passes its MeterRegistry (optional). */
  public static final String METER_REGISTRY_CONFIG = "modernbert.meter.registry";

  public static final int VALUE_PREFIX_BYTES = 16 * 1024;
  public static final int KEY_PREFIX_BYTES = 1024;
  static final int DETAIL_CHARS = 2_000;

  /** Room for the record batch and record headers around key and value. */
  static final int RECORD_OVERHEAD_BYTES = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterFactory.class);

  /** Where a failed record came from; offset -1 when Kafka Streams does not know it. */
  public record Source(String topic, int partition, long offset, long timestamp) {
    public static Source of(ErrorHandlerContext context) {
      return new Source(
          context.topic(), context.partition(), context.offset(), context.timestamp());
    }

    @Override
    public String toString() {
      return topic + "-" + partition + "@" + offset;
    }
  }

  private final String topic;
  private final String application;
  private final MeterRegistry meters;
  private final int maxRecordBytes;
  private final TopicLimits topics;

  public DeadLetterFactory(
      String topic,
      String application,
      MeterRegistry meters,
      int maxRecordBytes,
      TopicLimits topics) {
    this.topic = topic;
    this.application = application == null ? "" : application;
    this.meters = meters;
    this.maxRecordBytes = maxRecordBytes;
    this.topics = topics;
  }

  /** The factory for a Kafka Streams handler, from the configs its {@code configure} receives. */
  public static DeadLetterFactory fromConfigs(Map<String, ?> configs) {
    Object name = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    if (name == null || name.toString().isBlank()) {
      throw new ConfigException(
          StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG
              + " must name the dead-letter topic");
    }
    Object id = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
    return new DeadLetterFactory(
        name.toString(),
        id == null ? "" : id.toString(),
        configs.get(METER_REGISTRY_CONFIG) instanceof MeterRegistry registry ? registry : null,
        maxRecordBytes(configs),
        TopicLimits.fromStreamsConfigs(configs));
  }

  /** The largest record the application's producer sends ({@code max.request.size}). */
  public static int maxRecordBytes(Map<String, ?> configs) {
    Object value =
        configs.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    if (value == null) {
      value = configs.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    }
    return value == null ? 1 << 20 : Integer.parseInt(value.toString().trim());
  }

  public String topic() {
    return topic;
  }

  /**
   * The largest record (key, value and headers) sent to {@code topic}: the producer's {@code
   * max.request.size} or the topic's {@code max.message.bytes}, whichever is smaller.
   */
  public int maxRecordBytes(String topic) {
    return Math.min(maxRecordBytes, topics.maxMessageBytes(topic));
  }

  /** Whether a record of these sizes fits in {@code topic}, with room for its framing. */
  public boolean fits(String topic, long keyBytes, long valueBytes, long headerBytes) {
    return keyBytes + valueBytes + headerBytes + RECORD_OVERHEAD_BYTES <= maxRecordBytes(topic);
  }

  /**
   * A dead letter for the processor to forward (keyed by {@code key} on its sink), logged and
   * counted; empty if even a bare envelope does not fit (logged, skipped).
   */
  public Optional<DeadLetter> letter(
      DeadLetterReason reason, String detail, Source source, byte[] key, byte[] value) {
    byte[] keyPrefix = prefix(key, KEY_PREFIX_BYTES);
    for (byte[] kept : new byte[][] {prefix(value, VALUE_PREFIX_BYTES), null}) {
      DeadLetter letter = build(reason, detail, source, keyPrefix, kept, value);
      int size = AvroSerdes.DEAD_LETTER.encode(letter).length;
      if (fits(topic, keyPrefix == null ? 0 : keyPrefix.length, size, 0)) {
        LOG.warn("dead letter {} for {}: {}", reason, source, letter.getDetail());
        count("modernbert.dead.letters", reason);
        return Optional.of(letter);
      }
    }
    unwritable(
        source,
        reason
            + " dead letter larger than the "
            + maxRecordBytes(topic)
            + " bytes "
            + topic
            + " takes",
        null);
    return Optional.empty();
  }

  /** As {@link #letter}, as the records a Kafka Streams handler returns in its response. */
  public List<ProducerRecord<byte[], byte[]>> records(
      DeadLetterReason reason, String detail, Source source, byte[] key, byte[] value) {
    byte[] keyPrefix = prefix(key, KEY_PREFIX_BYTES);
    return letter(reason, detail, source, key, value)
        .map(
            letter ->
                List.of(
                    new ProducerRecord<>(
                        topic, null, keyPrefix, AvroSerdes.DEAD_LETTER.encode(letter))))
        .orElse(List.of());
  }

  /** A record that cannot be written even as a dead letter: logged with its source, skipped. */
  public void unwritable(Source source, String why, Exception cause) {
    LOG.error(
        "cannot write even a dead letter for {} ({}); the record is skipped", source, why, cause);
    if (meters != null) {
      meters.counter("modernbert.dead.letters.unwritable").increment();
    }
  }

  private DeadLetter build(
      DeadLetterReason reason,
      String detail,
      Source source,
      byte[] key,
      byte[] kept,
      byte[] value) {
    String text = String.valueOf(detail);
    return DeadLetter.newBuilder()
        .setReason(reason)
        .setDetail(text.length() > DETAIL_CHARS ? text.substring(0, DETAIL_CHARS) + "..." : text)
        .setSourceTopic(String.valueOf(source.topic()))
        .setSourcePartition(source.partition())
        .setSourceOffset(source.offset())
        .setSourceTimestamp(
            source.timestamp() < 0 ? null : Instant.ofEpochMilli(source.timestamp()))
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setValue(kept == null ? null : ByteBuffer.wrap(kept))
        .setValueSize(value == null ? null : (long) value.length)
        .setApplication(application)
        .setFailedAt(Instant.now())
        .build();
  }

  private void count(String name, DeadLetterReason reason) {
    if (meters != null) {
      meters.counter(name, "reason", reason.name()).increment();
    }
  }

  static byte[] prefix(byte[] bytes, int max) {
    return bytes == null || bytes.length <= max ? bytes : Arrays.copyOf(bytes, max);
  }
}
