package io.modernbert.model.config;

/** A model folder's {@code config.json} is missing or does not describe a ModernBERT we can run. */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
