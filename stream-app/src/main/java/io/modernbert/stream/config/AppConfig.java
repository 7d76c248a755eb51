package io.modernbert.stream.config;

import io.modernbert.model.engine.EngineOptions;
import io.modernbert.stream.kafka.KafkaClientConfig;
import io.modernbert.stream.scheduler.SchedulerSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything the application needs to run, immutable. Start from {@link #defaults(String, Path)},
 * change values with {@link #toBuilder()} (or a single {@code with...}); the topology, the Streams
 * properties and every Kafka client are derived from it.
 *
 * @param kafka the cluster and the client settings every Kafka client of the service shares
 * @param applicationId Kafka Streams application id (consumer group, changelog prefix)
 * @param topics topic names
 * @param modelDir a Hugging Face ModernBERT folder
 * @param engine how the model runs
 * @param maxWait the longest the scheduler passes a stream document over for better-filled passes;
 *     not a delay: an idle model runs what is queued at once
 * @param engineLanes the scheduler's engine lanes, 1 or 2 (see {@code SchedulerSettings})
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
 * @param createTopics create missing topics at start (true), or only check that they exist
 */
public record AppConfig(
    KafkaClientConfig kafka,
    String applicationId,
    TopicNames topics,
    Path modelDir,
    EngineOptions engine,
    Duration maxWait,
    int engineLanes,
    int maxDocumentBytes,
    String processingGuarantee,
    Path stateDir,
    int streamThreads,
    String instanceId,
    Map<String, String> streamsOverrides,
    InputSpec input,
    OutputFormat outputFormat,
    SchemaRegistry schemaRegistry,
    boolean createTopics) {

  /**
   * A Schema Registry (Confluent REST API).
   *
   * @param url base URL
   * @param basicAuth {@code user:password} for basic auth, or null
   * @param bearerToken a token sent as {@code Authorization: Bearer}, or null (not with basicAuth)
   * @param tls the registry's own trust and key stores, or null (the JVM's default trust)
   */
  public record SchemaRegistry(String url, String basicAuth, String bearerToken, TlsStores tls) {
    public SchemaRegistry {
      if (url == null || url.isBlank()) {
        throw new IllegalArgumentException("the schema registry URL is empty");
      }
      if (basicAuth != null && bearerToken != null) {
        throw new IllegalArgumentException(
            "give the schema registry basic auth or a bearer token, not both");
      }
    }

    public SchemaRegistry(String url, String basicAuth) {
      this(url, basicAuth, null, null);
    }

    /** Never prints a credential. */
    @Override
    public String toString() {
      return "SchemaRegistry["
          + url
          + (basicAuth != null ? ", basic auth" : bearerToken != null ? ", bearer token" : "")
          + (tls != null ? ", " + tls : "")
          + "]";
    }
  }

  /**
   * PKCS12 stores for a TLS client: the CAs to trust and, for mutual TLS, the client's key.
   *
   * @param trustStore trusted CAs, or null (the JVM's default)
   * @param trustStorePassword its password, or null
   * @param keyStore the client's certificate and key, or null (no client certificate)
   * @param keyStorePassword its password (and the key's), or null
   */
  public record TlsStores(
      Path trustStore, String trustStorePassword, Path keyStore, String keyStorePassword) {
    /** Never prints a password. */
    @Override
    public String toString() {
      return "TlsStores[trust store " + trustStore + ", key store " + keyStore + "]";
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
        return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
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
    Objects.requireNonNull(kafka, "kafka");
    if (!processingGuarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)
        && !processingGuarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
      throw new IllegalArgumentException(
          "processing guarantee must be exactly_once_v2 or at_least_once, not "
              + processingGuarantee);
    }
    streamsOverrides = Map.copyOf(streamsOverrides);
    if (maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException("max wait must be positive");
    }
    if (engineLanes != 1 && engineLanes != 2) {
      throw new IllegalArgumentException("engine lanes must be 1 or 2, got " + engineLanes);
    }
  }

  public static AppConfig defaults(String bootstrapServers, Path modelDir) {
    return new AppConfig(
        KafkaClientConfig.of(bootstrapServers),
        "modernbert-stream",
        TopicNames.defaults(),
        modelDir,
        EngineOptions.defaults(),
        DEFAULT_MAX_WAIT,
        SchedulerSettings.DEFAULT_LANES,
        DEFAULT_MAX_DOCUMENT_BYTES,
        StreamsConfig.EXACTLY_ONCE_V2,
        defaultStateDir(),
        1,
        null,
        Map.of(),
        InputSpec.document(),
        OutputFormat.AVRO,
        null,
        true);
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

  /** A builder holding this configuration's values, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .kafka(kafka)
        .applicationId(applicationId)
        .topics(topics)
        .modelDir(modelDir)
        .engine(engine)
        .maxWait(maxWait)
        .engineLanes(engineLanes)
        .maxDocumentBytes(maxDocumentBytes)
        .processingGuarantee(processingGuarantee)
        .stateDir(stateDir)
        .streamThreads(streamThreads)
        .instanceId(instanceId)
        .streamsOverrides(streamsOverrides)
        .input(input)
        .outputFormat(outputFormat)
        .schemaRegistry(schemaRegistry)
        .createTopics(createTopics);
  }

  /** The Kafka client settings of every client the service creates. */
  public AppConfig withKafka(KafkaClientConfig value) {
    return toBuilder().kafka(value).build();
  }

  public AppConfig withApplicationId(String value) {
    return toBuilder().applicationId(value).build();
  }

  public AppConfig withTopics(TopicNames value) {
    return toBuilder().topics(value).build();
  }

  public AppConfig withModelDir(Path value) {
    return toBuilder().modelDir(value).build();
  }

  public AppConfig withEngine(EngineOptions value) {
    return toBuilder().engine(value).build();
  }

  public AppConfig withMaxWait(Duration value) {
    return toBuilder().maxWait(value).build();
  }

  public AppConfig withEngineLanes(int value) {
    return toBuilder().engineLanes(value).build();
  }

  public AppConfig withMaxDocumentBytes(int value) {
    return toBuilder().maxDocumentBytes(value).build();
  }

  public AppConfig withProcessingGuarantee(String value) {
    return toBuilder().processingGuarantee(value).build();
  }

  public AppConfig withStateDir(Path value) {
    return toBuilder().stateDir(value).build();
  }

  public AppConfig withStreamThreads(int value) {
    return toBuilder().streamThreads(value).build();
  }

  public AppConfig withInstanceId(String value) {
    return toBuilder().instanceId(value).build();
  }

  public AppConfig withStreamsOverrides(Map<String, String> value) {
    return toBuilder().streamsOverrides(value).build();
  }

  public AppConfig withInput(InputSpec value) {
    return toBuilder().input(value).build();
  }

  public AppConfig withOutputFormat(OutputFormat value) {
    return toBuilder().outputFormat(value).build();
  }

  public AppConfig withSchemaRegistry(SchemaRegistry value) {
    return toBuilder().schemaRegistry(value).build();
  }

  public AppConfig withCreateTopics(boolean value) {
    return toBuilder().createTopics(value).build();
  }

  /** Builds an {@link AppConfig}; {@link #build()} validates the whole. */
  public static final class Builder {
    private KafkaClientConfig kafka;
    private String applicationId;
    private TopicNames topics;
    private Path modelDir;
    private EngineOptions engine;
    private Duration maxWait;
    private int engineLanes = SchedulerSettings.DEFAULT_LANES;
    private int maxDocumentBytes;
    private String processingGuarantee;
    private Path stateDir;
    private int streamThreads;
    private String instanceId;
    private Map<String, String> streamsOverrides;
    private InputSpec input;
    private OutputFormat outputFormat;
    private SchemaRegistry schemaRegistry;
    private boolean createTopics;

    private Builder() {}

    public Builder kafka(KafkaClientConfig value) {
      this.kafka = value;
      return this;
    }

    public Builder applicationId(String value) {
      this.applicationId = value;
      return this;
    }

    public Builder topics(TopicNames value) {
      this.topics = value;
      return this;
    }

    public Builder modelDir(Path value) {
      this.modelDir = value;
      return this;
    }

    public Builder engine(EngineOptions value) {
      this.engine = value;
      return this;
    }

    public Builder maxWait(Duration value) {
      this.maxWait = value;
      return this;
    }

    public Builder engineLanes(int value) {
      this.engineLanes = value;
      return this;
    }

    public Builder maxDocumentBytes(int value) {
      this.maxDocumentBytes = value;
      return this;
    }

    public Builder processingGuarantee(String value) {
      this.processingGuarantee = value;
      return this;
    }

    public Builder stateDir(Path value) {
      this.stateDir = value;
      return this;
    }

    public Builder streamThreads(int value) {
      this.streamThreads = value;
      return this;
    }

    public Builder instanceId(String value) {
      this.instanceId = value;
      return this;
    }

    public Builder streamsOverrides(Map<String, String> value) {
      this.streamsOverrides = value;
      return this;
    }

    public Builder input(InputSpec value) {
      this.input = value;
      return this;
    }

    public Builder outputFormat(OutputFormat value) {
      this.outputFormat = value;
      return this;
    }

    public Builder schemaRegistry(SchemaRegistry value) {
      this.schemaRegistry = value;
      return this;
    }

    public Builder createTopics(boolean value) {
      this.createTopics = value;
      return this;
    }

    public AppConfig build() {
      return new AppConfig(
          kafka,
          applicationId,
          topics,
          modelDir,
          engine,
          maxWait,
          engineLanes,
          maxDocumentBytes,
          processingGuarantee,
          stateDir,
          streamThreads,
          instanceId,
          streamsOverrides,
          input,
          outputFormat,
          schemaRegistry,
          createTopics);
    }
  }

  /** The cluster's bootstrap servers. */
  public String bootstrapServers() {
    return kafka.bootstrapServers();
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
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    String folder = stateDir.toAbsolutePath().normalize().toString();
    return host + "-" + Integer.toHexString(folder.hashCode());
  }

  /** The batch scheduler's settings: passes of the engine's token budget, {@link #maxWait}. */
  public SchedulerSettings scheduler() {
    return SchedulerSettings.of(engine.batchTokens(), maxWait).withLanes(engineLanes);
  }

  /** The model's name on every output: its folder name. */
  public String modelName() {
    return modelDir.toAbsolutePath().normalize().getFileName().toString();
  }
}
