package io.modernbert.stream.config;

import io.modernbert.model.engine.EngineOptions;
import io.modernbert.stream.scheduler.SchedulerSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything the application needs to run, immutable. Build with {@link #defaults(String, Path)}
 * and the {@code with...} methods; the topology and the Streams properties are derived from it.
 *
 * @param bootstrapServers Kafka brokers
 * @param applicationId Kafka Streams application id (consumer group, changelog prefix)
 * @param topics topic names
 * @param modelDir a Hugging Face ModernBERT folder
 * @param engine how the model runs
 * @param maxWait the longest the scheduler passes a stream document over for better-filled passes;
 *     not a delay: an idle model runs what is queued at once
 * @param maxDocumentBytes larger texts (UTF-8 bytes) go to the dead-letter topic
 * @param processingGuarantee {@code exactly_once_v2} (default) or {@code at_least_once}
 * @param stateDir where Kafka Streams keeps the batcher's local store
 * @param streamThreads Kafka Streams threads (they share one engine)
 * @param instanceId this instance's stable name in the consumer group (static membership: a
 *     restarted instance takes its partitions back at once instead of after the session timeout);
 *     null: derived from the host name and the state folder, see {@link #groupInstanceId()}
 * @param streamsOverrides any further Kafka Streams, consumer or producer settings, applied last
 * @param input how the documents topic's records are read (format and fields)
 * @param outputFormat how embeddings and labels are written
 * @param schemaRegistry the Schema Registry of the registry formats; null when none is used
 */
public record AppConfig(
    String bootstrapServers,
    String applicationId,
    TopicNames topics,
    Path modelDir,
    EngineOptions engine,
    Duration maxWait,
    int maxDocumentBytes,
    String processingGuarantee,
    Path stateDir,
    int streamThreads,
    String instanceId,
    java.util.Map<String, String> streamsOverrides,
    InputSpec input,
    OutputFormat outputFormat,
    SchemaRegistry schemaRegistry) {

  /**
   * A Schema Registry (Confluent REST API): base URL, and {@code user:password} for basic auth or
   * null.
   */
  public record SchemaRegistry(String url, String basicAuth) {
    public SchemaRegistry {
      if (url == null || url.isBlank()) {
        throw new IllegalArgumentException("the schema registry URL is empty");
      }
    }
  }

  /** Value formats of the embeddings and labels topics (dead letters are always Avro). */
  public enum OutputFormat {
    /** Avro, single-object encoding (schema fingerprint, then the binary record). */
    AVRO,
    /** Plain JSON objects with the Avro schemas' field names. */
    JSON,
    /** Avro in Confluent wire format, schemas registered under {@code <topic>-value}. */
    REGISTRY_AVRO;

    /** {@code avro}, {@code json} or {@code registry-avro}, any case. */
    public static OutputFormat parse(String name) {
      try {
        return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "output format must be avro, json or registry-avro, not '" + name + "'", e);
      }
    }
  }

  public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(50);
  public static final int DEFAULT_MAX_DOCUMENT_BYTES = 1 << 20;

  /** The names of the four topics. */
  public record TopicNames(String documents, String embeddings, String labels, String deadLetters) {
    public static TopicNames defaults() {
      return new TopicNames("documents", "embeddings", "labels", "documents-dead-letters");
    }
  }

  public AppConfig {
    if (!processingGuarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)
        && !processingGuarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
      throw new IllegalArgumentException(
          "processing guarantee must be exactly_once_v2 or at_least_once, not "
              + processingGuarantee);
    }
    streamsOverrides = java.util.Map.copyOf(streamsOverrides);
    if (maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException("max wait must be positive");
    }
  }

  public static AppConfig defaults(String bootstrapServers, Path modelDir) {
    return new AppConfig(
        bootstrapServers,
        "modernbert-stream",
        TopicNames.defaults(),
        modelDir,
        EngineOptions.defaults(),
        DEFAULT_MAX_WAIT,
        DEFAULT_MAX_DOCUMENT_BYTES,
        StreamsConfig.EXACTLY_ONCE_V2,
        defaultStateDir(),
        1,
        null,
        java.util.Map.of(),
        InputSpec.document(),
        OutputFormat.AVRO,
        null);
  }

  /**
   * {@code data/streams} under the installation ({@code modernbert.home}, else the working folder):
   * it survives reboots, unlike the temp folder, so a restarted instance restores only what
   * changed.
   */
  public static Path defaultStateDir() {
    return Path.of(System.getProperty("modernbert.home", "."))
        .toAbsolutePath()
        .normalize()
        .resolve("data/streams");
  }

  public AppConfig withApplicationId(String value) {
    return new AppConfig(
        bootstrapServers,
        value,
        topics,
        modelDir,
        engine,
        maxWait,
        maxDocumentBytes,
        processingGuarantee,
        stateDir,
        streamThreads,
        instanceId,
        streamsOverrides,
        input,
        outputFormat,
        schemaRegistry);
  }

  public AppConfig withTopics(TopicNames value) {
    return new AppConfig(
        bootstrapServers,
        applicationId,
        value,
        modelDir,
        engine,
        maxWait,
        maxDocumentBytes,
        processingGuarantee,
        stateDir,
        streamThreads,
        instanceId,
        streamsOverrides,
        input,
        outputFormat,
        schemaRegistry);
  }

  public AppConfig withEngine(EngineOptions value) {
    return new AppConfig(
        bootstrapServers,
        applicationId,
        topics,
        modelDir,
        value,
        maxWait,
        maxDocumentBytes,
        processingGuarantee,
        stateDir,
        streamThreads,
        instanceId,
        streamsOverrides,
        input,
        outputFormat,
        schemaRegistry);
  }

  public AppConfig withMaxWait(Duration value) {
    return new AppConfig(
        bootstrapServers,
        applicationId,
        topics,
        modelDir,
        engine,
        value,
        maxDocumentBytes,
        processingGuarantee,
        stateDir,
        streamThreads,
        instanceId,
        streamsOverrides,
        input,
        outputFormat,
        schemaRegistry);
  }

  public AppConfig withMaxDocumentBytes(int value) {
    return new AppConfig(
        bootstrapServers,
        applicationId,
        topics,
        modelDir,
        engine,
        maxWait,
        value,
        processingGuarantee,
        stateDir,
        streamThreads,
        instanceId,
        streamsOverrides,
        input,
        outputFormat,
        schemaRegistry);
  }

  public AppConfig withProcessingGuarantee(String value) {
    return new AppConfig(
        bootstrapServers,
        applicationId,
        topics,
        modelDir,
        engine,
        maxWait,
        maxDocumentBytes,
        value,
        stateDir,
        streamThreads,
        instanceId,
        streamsOverrides,
        input,
        outputFormat,
        schemaRegistry);
  }

  public AppConfig withStateDir(Path value) {
    return new AppConfig(
        bootstrapServers,
        applicationId,
        topics,
        modelDir,
        engine,
        maxWait,
        maxDocumentBytes,
        processingGuarantee,
        value,
        streamThreads,
        instanceId,
        streamsOverrides,
        input,
        outputFormat,
        schemaRegistry);
  }

  public AppConfig withStreamThreads(int value) {
    return new AppConfig(
        bootstrapServers,
        applicationId,
        topics,
        modelDir,
        engine,
        maxWait,
        maxDocumentBytes,
        processingGuarantee,
        stateDir,
        value,
        instanceId,
        streamsOverrides,
        input,
        outputFormat,
        schemaRegistry);
  }

  public AppConfig withStreamsOverrides(java.util.Map<String, String> value) {
    return new AppConfig(
        bootstrapServers,
        applicationId,
        topics,
        modelDir,
        engine,
        maxWait,
        maxDocumentBytes,
        processingGuarantee,
        stateDir,
        streamThreads,
        instanceId,
        value,
        input,
        outputFormat,
        schemaRegistry);
  }

  public AppConfig withInput(InputSpec value) {
    return new AppConfig(
        bootstrapServers,
        applicationId,
        topics,
        modelDir,
        engine,
        maxWait,
        maxDocumentBytes,
        processingGuarantee,
        stateDir,
        streamThreads,
        instanceId,
        streamsOverrides,
        value,
        outputFormat,
        schemaRegistry);
  }

  public AppConfig withOutputFormat(OutputFormat value) {
    return new AppConfig(
        bootstrapServers,
        applicationId,
        topics,
        modelDir,
        engine,
        maxWait,
        maxDocumentBytes,
        processingGuarantee,
        stateDir,
        streamThreads,
        instanceId,
        streamsOverrides,
        input,
        value,
        schemaRegistry);
  }

  public AppConfig withSchemaRegistry(SchemaRegistry value) {
    return new AppConfig(
        bootstrapServers,
        applicationId,
        topics,
        modelDir,
        engine,
        maxWait,
        maxDocumentBytes,
        processingGuarantee,
        stateDir,
        streamThreads,
        instanceId,
        streamsOverrides,
        input,
        outputFormat,
        value);
  }

  public AppConfig withInstanceId(String value) {
    return new AppConfig(
        bootstrapServers,
        applicationId,
        topics,
        modelDir,
        engine,
        maxWait,
        maxDocumentBytes,
        processingGuarantee,
        stateDir,
        streamThreads,
        value,
        streamsOverrides,
        input,
        outputFormat,
        schemaRegistry);
  }

  /**
   * The {@code group.instance.id} of this instance: {@link #instanceId} when given (a Kubernetes
   * pod name, say), else {@code <host>-<hash of the state folder>}. Both survive a restart of the
   * same instance, and two instances on one host cannot share a state folder (Kafka Streams locks
   * it), so they never share a name.
   */
  public String groupInstanceId() {
    if (instanceId != null && !instanceId.isBlank()) {
      return instanceId;
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "localhost";
    }
    String folder = stateDir.toAbsolutePath().normalize().toString();
    return host + "-" + Integer.toHexString(folder.hashCode());
  }

  /** The batch scheduler's settings: passes of the engine's token budget, {@link #maxWait}. */
  public SchedulerSettings scheduler() {
    return SchedulerSettings.of(engine.batchTokens(), maxWait);
  }

  /** The model's name on every output: its folder name. */
  public String modelName() {
    return modelDir.toAbsolutePath().normalize().getFileName().toString();
  }
}
