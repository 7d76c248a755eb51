package io.modernbert.model.cli;

/** One line for a user from an exception chain: our messages already name the file or tensor. */
final class ErrorMessages {
  private ErrorMessages() {}

  static String describe(Throwable exception) {
    Throwable shown = exception;
    // Wrappers without their own message say nothing useful; show what they wrap.
    while (shown.getCause() != null
        && (shown.getMessage() == null || shown.getMessage().equals(shown.getCause().toString()))) {
      shown = shown.getCause();
    }
    String message = shown.getMessage();
    return message == null ? shown.getClass().getSimpleName() : message;
  }
}
