package io.modernbert.stream.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The command-line options that configure every Kafka client of a command ({@code run}, {@code
 * tail}, {@code load}): a client properties file, as Kafka's own tools take with {@code
 * --command-config}, and single properties on top. Mixed into each command, so that a secured
 * cluster is spelled the same way everywhere.
 */
public final class KafkaOptions {
  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description = {
        "Kafka client properties for every client (security.protocol, sasl.*, ssl.*, config.providers...).",
        "Values may reference secrets through Kafka's config providers, e.g. ${file:/run/secrets/kafka:password}."
      })
  Path file;

  @Option(
      names = "--kafka-property",
      paramLabel = "KEY=VALUE",
      description = "A Kafka client property for every client, over --kafka-config (repeatable).")
  Map<String, String> properties = new LinkedHashMap<>();

  /** The client settings these options give, for the cluster at {@code bootstrapServers}. */
  public KafkaClientConfig clientConfig(String bootstrapServers) {
    return KafkaClientConfig.load(bootstrapServers, file, properties);
  }
}
