package io.modernbert.stream.http;

/**
 * A request we refuse, with its HTTP status; answered as {@code {"error": ..., "error_type": ...}}.
 */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String type;

  HttpError(int status, String type, String message) {
    super(message);
    this.status = status;
    this.type = type;
  }

  int status() {
    return status;
  }

  String type() {
    return type;
  }
}
