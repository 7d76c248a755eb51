package io.modernbert.stream.errors;

import io.modernbert.schemas.DeadLetterReason;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' processing exception handler (KIP-1033): an exception thrown while a processor
 * handles one record becomes a PROCESSING_FAILED dead letter holding a bounded prefix of the
 * record's source value (Kafka Streams keeps the raw input bytes for this, KIP-1034), and the task
 * goes on with the next record. Without it the default handler fails the task, the stream thread is
 * replaced, reads the same offset and fails again, forever.
 *
 * <p>An exception in a punctuation has no record and no source offset; it is logged (with the task)
 * and skipped: the processor handles its own per-document failures in its punctuation.
 */
public final class ProcessingDeadLetterHandler implements ProcessingExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessingDeadLetterHandler.class);

  private DeadLetterFactory deadLetters;

  @Override
  public void configure(Map<String, ?> configs) {
    this.deadLetters = DeadLetterFactory.fromConfigs(configs);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    DeadLetterFactory.Source source = DeadLetterFactory.Source.of(context);
    if (record == null) {
      LOG.error(
          "exception in a punctuation of {} in task {}; skipped",
          context.processorNodeId(),
          context.taskId(),
          exception);
      return Response.resume();
    }
    return Response.resume(
        deadLetters.records(
            DeadLetterReason.PROCESSING_FAILED,
            "exception in " + context.processorNodeId() + ": " + exception,
            source,
            context.sourceRawKey(),
            context.sourceRawValue()));
  }
}
