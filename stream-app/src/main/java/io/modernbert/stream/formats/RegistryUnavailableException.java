package io.modernbert.stream.formats;

/**
 * The Schema Registry did not answer (down, unreachable, 5xx, 429, 408, timeout) even after the
 * client's retries: not the record's fault. The record is not dead-lettered; the stream thread
 * fails and is replaced, and the record is read again from the last commit until the registry
 * answers.
 */
public final class RegistryUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
