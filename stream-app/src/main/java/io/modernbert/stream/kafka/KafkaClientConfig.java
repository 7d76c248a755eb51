package io.modernbert.stream.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * The one place where every Kafka client of the product gets its settings: Kafka Streams, the topic
 * administrator, the HTTP ingestion producer, {@code tail} and {@code load} all start from {@link
 * #common()}. A secured cluster is configured once ({@code --kafka-config FILE} and repeatable
 * {@code --kafka-property K=V}) and every client follows.
 *
 * <p>Order of precedence, last wins: the product's defaults for that client, then the user's
 * properties (file, then single properties), then the few settings the product's guarantees rest on
 * ({@link #OWNED}: serializers, transactional and group ids, isolation level). Values are passed to
 * Kafka as written: Kafka resolves {@code config.providers} references such as {@code
 * ${file:/etc/kafka/secrets.properties:password}} or {@code ${env:KAFKA_PASSWORD}} itself, so
 * secrets never need to be on the command line.
 *
 * @param bootstrapServers the cluster's bootstrap servers
 * @param properties the user's client properties (security protocol, SASL, SSL, config providers,
 *     tuning), in the order given
 */
public record KafkaClientConfig(String bootstrapServers, Map<String, String> properties) {

  /** Keys whose values the product sets for each client; a user value for them is refused. */
  static final Set<String> OWNED =
      Set.of(
          CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
          ProducerConfig.TRANSACTIONAL_ID_CONFIG,
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
          ConsumerConfig.GROUP_ID_CONFIG,
          ConsumerConfig.ISOLATION_LEVEL_CONFIG);

  /** Keys whose values are never printed (passwords, keys, JAAS lines). */
  private static final List<String> SECRET_MARKERS =
      List.of("password", "secret", "jaas", "key", "token", "credentials");

  public KafkaClientConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("the Kafka bootstrap servers are empty");
    }
    Objects.requireNonNull(properties, "properties");
    for (String key : properties.keySet()) {
      if (OWNED.contains(key)) {
        throw new IllegalArgumentException(
            "Kafka client property "
                + key
                + " is set by the product for each client and cannot be given"
                + (key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                    ? " in the client properties: use --bootstrap-servers"
                    : ""));
      }
    }
    properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  /** A plaintext cluster with no further settings. */
  public static KafkaClientConfig of(String bootstrapServers) {
    return new KafkaClientConfig(bootstrapServers, Map.of());
  }

  /**
   * The settings of {@code --kafka-config FILE} (a Java properties file, as Kafka's own tools read;
   * null: none), then {@code overrides} ({@code --kafka-property K=V}, applied last).
   *
   * @throws IllegalArgumentException naming the file when it cannot be read
   */
  public static KafkaClientConfig load(
      String bootstrapServers, Path file, Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>();
    if (file != null) {
      Properties fromFile = new Properties();
      try (Reader reader = Files.newBufferedReader(file)) {
        fromFile.load(reader);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "--kafka-config " + file + ": cannot read the properties file: " + e.getMessage(), e);
      }
      new TreeMap<>(fromFile).forEach((k, v) -> merged.put(k.toString(), v.toString().strip()));
    }
    merged.putAll(overrides);
    return new KafkaClientConfig(bootstrapServers, merged);
  }

  /** Bootstrap servers and the user's properties: what every client starts from. */
  public Map<String, Object> common() {
    Map<String, Object> config = new HashMap<>(properties);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return config;
  }

  /** An admin client's settings: {@code defaults} first, then the user's properties. */
  public Map<String, Object> admin(String clientId, Map<String, Object> defaults) {
    return client(clientId, defaults, Map.of());
  }

  /**
   * A producer's settings: {@code defaults} (acks, linger...), then the user's properties, then
   * {@code owned} (serializers, transactional id), which nothing overrides.
   */
  public Map<String, Object> producer(
      String clientId, Map<String, Object> defaults, Map<String, Object> owned) {
    return client(clientId, defaults, owned);
  }

  /** A consumer's settings, as {@link #producer} (owned: group id, isolation level...). */
  public Map<String, Object> consumer(
      String clientId, Map<String, Object> defaults, Map<String, Object> owned) {
    return client(clientId, defaults, owned);
  }

  /** An Admin client with these settings and short per-call timeouts left to Kafka's defaults. */
  public Admin createAdmin(String clientId) {
    return Admin.create(admin(clientId, Map.of()));
  }

  private Map<String, Object> client(
      String clientId, Map<String, Object> defaults, Map<String, Object> owned) {
    Map<String, Object> config = new HashMap<>(defaults);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    config.putAll(common());
    config.putAll(owned);
    return config;
  }

  /**
   * How the clients connect, for a log line: bootstrap servers, protocol and SASL mechanism, never
   * a secret.
   */
  public String describe() {
    String protocol =
        properties.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
    String mechanism = properties.get(SaslConfigs.SASL_MECHANISM);
    return bootstrapServers
        + " ("
        + protocol
        + (protocol.startsWith("SASL") ? ", " + (mechanism == null ? "GSSAPI" : mechanism) : "")
        + ")";
  }

  /** The user's properties with every secret-looking value masked, for logs and errors. */
  public Map<String, String> redacted() {
    Map<String, String> shown = new TreeMap<>();
    properties.forEach((key, value) -> shown.put(key, isSecret(key) ? "[hidden]" : value));
    return shown;
  }

  private static boolean isSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return SECRET_MARKERS.stream().anyMatch(lower::contains)
        && !lower.endsWith(".type")
        && !lower.endsWith(".location")
        && !lower.endsWith(".algorithm");
  }

  /** Never prints a secret: records print their fields. */
  @Override
  public String toString() {
    return "KafkaClientConfig[" + bootstrapServers + ", " + redacted() + "]";
  }
}
