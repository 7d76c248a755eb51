package io.modernbert.stream.errors;

import io.modernbert.schemas.DeadLetterReason;
import org.apache.kafka.common.errors.SerializationException;

/** An input record that is not a document we can encode, with the reason the dead letter gives. */
public class InvalidDocumentException extends SerializationException {
  private static final long serialVersionUID = 1L;

  private final DeadLetterReason reason;

  public InvalidDocumentException(DeadLetterReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public InvalidDocumentException(DeadLetterReason reason, String message) {
    this(reason, message, null);
  }

  public DeadLetterReason reason() {
    return reason;
  }
}
