package io.modernbert.stream.errors;

import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.DeadLetter;
import io.modernbert.schemas.DeadLetterReason;
import io.modernbert.stream.formats.RegistryUnavailableException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;

/**
 * Kafka Streams' production exception handler: an output that cannot be serialized or sent becomes
 * a dead letter with a bounded prefix of the source value (or, without a source, of the output),
 * and the task goes on. A record for the dead-letter topic itself that fails is logged with its
 * source topic, partition and offset and skipped: a dead letter of a dead letter would loop.
 *
 * <p>Not the record's fault, so never a dead letter: retriable send errors (Kafka Streams retries
 * the task) and a schema registry that stays unavailable while our output serializer registers its
 * schema (the thread fails after a pause and is replaced).
 *
 * <p>Under exactly-once a failed send also puts the producer's transaction in an abortable state
 * whatever this handler answers, so the processor checks output sizes before it forwards (see
 * {@link DeadLetterFactory#fits}); this handler is the net for what that check cannot foresee.
 */
public final class ProductionDeadLetterHandler implements ProductionExceptionHandler {
  private DeadLetterFactory deadLetters;

  @Override
  public void configure(Map<String, ?> configs) {
    this.deadLetters = DeadLetterFactory.fromConfigs(configs);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (deadLetters.topic().equals(record.topic())) {
      // Called back on the producer's thread: the context no longer knows the source record, the
      // dead letter does.
      deadLetters.unwritable(
          sourceOf(record, context), "sending it failed: " + exception, exception);
      return Response.resume();
    }
    if (exception instanceof RetriableException) {
      return Response.retry();
    }
    DeadLetterReason reason =
        exception instanceof RecordTooLargeException
            ? DeadLetterReason.TOO_LARGE
            : DeadLetterReason.PROCESSING_FAILED;
    return Response.resume(
        letter(
            reason,
            context,
            record.topic(),
            record.key(),
            record.value(),
            "cannot send to ",
            exception));
  }

  @Override
  public Response handleSerializationError(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    if (causedBy(exception, RegistryUnavailableException.class)) {
      DeadLetterHandler.registryOutage(context, exception);
      return Response.fail();
    }
    DeadLetterFactory.Source source = DeadLetterFactory.Source.of(context);
    if (deadLetters.topic().equals(record.topic())) {
      deadLetters.unwritable(source, "serializing it failed: " + exception, exception);
      return Response.resume();
    }
    return Response.resume(
        letter(
            DeadLetterReason.PROCESSING_FAILED,
            context,
            record.topic(),
            null,
            null,
            "cannot serialize the " + origin.name().toLowerCase(Locale.ROOT) + " for ",
            exception));
  }

  /** The source's key and value; without a source (a punctuation), the output's. */
  private List<ProducerRecord<byte[], byte[]>> letter(
      DeadLetterReason reason,
      ErrorHandlerContext context,
      String topic,
      byte[] outputKey,
      byte[] outputValue,
      String what,
      Exception exception) {
    boolean sourced = context.sourceRawValue() != null;
    return deadLetters.records(
        reason,
        what + topic + ": " + exception,
        DeadLetterFactory.Source.of(context),
        sourced ? context.sourceRawKey() : outputKey,
        sourced ? context.sourceRawValue() : outputValue);
  }

  private static DeadLetterFactory.Source sourceOf(
      ProducerRecord<byte[], byte[]> letter, ErrorHandlerContext context) {
    try {
      DeadLetter decoded = AvroSerdes.DEAD_LETTER.decode(letter.value());
      return new DeadLetterFactory.Source(
          decoded.getSourceTopic(),
          decoded.getSourcePartition(),
          decoded.getSourceOffset(),
          decoded.getSourceTimestamp() == null ? -1 : decoded.getSourceTimestamp().toEpochMilli());
    } catch (RuntimeException e) {
      return DeadLetterFactory.Source.of(context);
    }
  }

  private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }
}
