package io.modernbert.stream.broker;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to start an {@link EmbeddedKafka}.
 *
 * @param port the PLAINTEXT client port on 127.0.0.1; 0 picks a free one (tests), a fixed number
 *     such as 9092 gives a demo broker that other tools can find
 * @param startTimeout how long start-up may take before it fails with an error
 * @param brokerOverrides extra or replaced server properties, applied last (e.g. {@code
 *     log.retention.ms})
 * @param secureListener a second, TLS listener with ACLs; null: none (plaintext only, no ACLs)
 */
public record EmbeddedKafkaOptions(
    int port,
    Duration startTimeout,
    Map<String, String> brokerOverrides,
    SecureListener secureListener) {

  /** Kafka's usual client port, for a demo broker that tools find without flags. */
  public static final int DEFAULT_KAFKA_PORT = 9092;

  public EmbeddedKafkaOptions {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(
          "port must be 0 (pick a free one) or 1-65535, got " + port);
    }
    Objects.requireNonNull(startTimeout, "startTimeout");
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive, got " + startTimeout);
    }
    brokerOverrides = Map.copyOf(Objects.requireNonNull(brokerOverrides, "brokerOverrides"));
  }

  /** A free client port, 60 s to start, no overrides. */
  public static EmbeddedKafkaOptions defaults() {
    return new EmbeddedKafkaOptions(0, Duration.ofSeconds(60), Map.of(), null);
  }

  public EmbeddedKafkaOptions withPort(int newPort) {
    return new EmbeddedKafkaOptions(newPort, startTimeout, brokerOverrides, secureListener);
  }

  public EmbeddedKafkaOptions withStartTimeout(Duration newStartTimeout) {
    return new EmbeddedKafkaOptions(port, newStartTimeout, brokerOverrides, secureListener);
  }

  public EmbeddedKafkaOptions withBrokerProperty(String name, String value) {
    Map<String, String> merged = new LinkedHashMap<>(brokerOverrides);
    merged.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return new EmbeddedKafkaOptions(port, startTimeout, merged, secureListener);
  }

  /** With a TLS listener and ACLs beside the plaintext one; see {@link SecureListener}. */
  public EmbeddedKafkaOptions withSecureListener(SecureListener listener) {
    return new EmbeddedKafkaOptions(port, startTimeout, brokerOverrides, listener);
  }
}
