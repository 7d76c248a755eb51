package io.modernbert.stream.errors;

import io.modernbert.schemas.DeadLetterReason;
import io.modernbert.stream.formats.RegistryUnavailableException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' deserialization exception handler for the input topic: a record that is not a
 * valid document becomes a dead letter (reason, source topic, partition, offset, key and a bounded
 * prefix of the value: {@link DeadLetterFactory}) on the topic named by Kafka's own {@code
 * errors.dead.letter.queue.topic.name} setting, and processing resumes with the next record. Kafka
 * Streams produces the dead letter with the task's producer, so under exactly-once it commits
 * together with everything else.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler {
  /** Kept for callers of the old name; see {@link DeadLetterFactory#METER_REGISTRY_CONFIG}. */
  public static final String METER_REGISTRY_CONFIG = DeadLetterFactory.METER_REGISTRY_CONFIG;

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

  /** Pause before a stream thread fails over a registry outage, so it is not a busy loop. */
  static final long REGISTRY_RETRY_PAUSE_MS = 2_000;

  private DeadLetterFactory deadLetters;

  @Override
  public void configure(Map<String, ?> configs) {
    this.deadLetters = DeadLetterFactory.fromConfigs(configs);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RegistryUnavailableException) {
      // Not the record's fault, and the registry client has already waited and retried for a
      // while (rate limits, short outages): a longer outage fails the stream thread, which is
      // replaced and reads the record again from the last commit. Never a dead letter.
      registryOutage(context, exception);
      return Response.fail();
    }
    DeadLetterReason reason =
        exception instanceof InvalidDocumentException invalid
            ? invalid.reason()
            : DeadLetterReason.UNDECODABLE;
    return Response.resume(
        deadLetters.records(
            reason,
            String.valueOf(exception.getMessage()),
            DeadLetterFactory.Source.of(context),
            record.key(),
            record.value()));
  }

  static void registryOutage(ErrorHandlerContext context, Exception exception) {
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
  }
}
