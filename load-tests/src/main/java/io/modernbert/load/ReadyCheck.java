package io.modernbert.load;

/**
 * One way of seeing that the service is ready, asked again and again by {@link StartGate} until it
 * says yes: its {@code GET /ready} ({@link HttpReadyCheck}) or a probe document that comes back
 * ({@link KafkaProbe}).
 */
interface ReadyCheck extends AutoCloseable {
  /** What ready means here, for the progress line and the summary. */
  String describe();

  /** One attempt, returning within a second or so: true once the service is ready. */
  boolean poll() throws Exception;

  /** What the last attempt saw, for the progress line: a status, an error, "no output yet". */
  String lastAnswer();

  @Override
  default void close() {}
}
