package io.modernbert.stream.errors;

import io.micrometer.core.instrument.MeterRegistry;
import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.DeadLetter;
import io.modernbert.schemas.DeadLetterReason;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' deserialization exception handler for the input topic: a record that is not a
 * valid document becomes a {@link DeadLetter} (reason, source topic, partition, offset, original
 * key and value bytes) on the topic named by Kafka's own {@code
 * errors.dead.letter.queue.topic.name} setting, and processing resumes with the next record. Kafka
 * Streams produces the dead letter with the task's producer, so under exactly-once it commits
 * together with everything else.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler {
  /** Streams config key under which the application passes its MeterRegistry (optional). */
  public static final String METER_REGISTRY_CONFIG = "modernbert.meter.registry";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

  /** Pause before a stream thread fails over a registry outage. */
  private static final long REGISTRY_RETRY_PAUSE_MS = 2_000;

  private String topic;
  private String application;
  private MeterRegistry meters;

  @Override
  public void configure(Map<String, ?> configs) {
    Object name = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    if (name == null || name.toString().isBlank()) {
      throw new ConfigException(
          StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG
              + " must name the dead-letter topic");
    }
    this.topic = name.toString();
    Object id = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
    this.application = id == null ? "" : id.toString();
    this.meters =
        configs.get(METER_REGISTRY_CONFIG) instanceof MeterRegistry registry ? registry : null;
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof io.modernbert.stream.formats.RegistryUnavailableException) {
      // Not the record's fault: fail the stream thread (it is replaced, and reads the record again
      // from the last commit) after a pause, so that an outage is not a busy loop.
      LOG.warn(
          "{}-{}@{} waits for the schema registry: {}",
          context.topic(),
          context.partition(),
          context.offset(),
          exception.getMessage());
      try {
        Thread.sleep(REGISTRY_RETRY_PAUSE_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Response.fail();
    }
    DeadLetterReason reason =
        exception instanceof InvalidDocumentException invalid
            ? invalid.reason()
            : DeadLetterReason.UNDECODABLE;
    LOG.warn(
        "dead letter {} for {}-{}@{}: {}",
        reason,
        context.topic(),
        context.partition(),
        context.offset(),
        exception.getMessage());
    if (meters != null) {
      meters.counter("modernbert.dead.letters", "reason", reason.name()).increment();
    }
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setReason(reason)
            .setDetail(String.valueOf(exception.getMessage()))
            .setSourceTopic(context.topic())
            .setSourcePartition(context.partition())
            .setSourceOffset(context.offset())
            .setSourceTimestamp(Instant.ofEpochMilli(context.timestamp()))
            .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
            .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
            .setApplication(application)
            .setFailedAt(Instant.now())
            .build();
    ProducerRecord<byte[], byte[]> out =
        new ProducerRecord<>(topic, null, record.key(), AvroSerdes.DEAD_LETTER.encode(letter));
    return Response.resume(List.of(out));
  }
}
