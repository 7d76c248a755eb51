package io.modernbert.model.checkpoint;

/**
 * A checkpoint could not be opened, parsed or read.
 *
 * <p>Unchecked because a broken checkpoint is not something callers can recover from locally; it
 * should surface to the operator. Contract: every message names the file or directory involved and,
 * where one is involved, the tensor, so the message alone is enough to locate the problem.
 */
public class CheckpointException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
