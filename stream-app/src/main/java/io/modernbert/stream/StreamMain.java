package io.modernbert.stream;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modernbert.model.cli.EngineFlags;
import io.modernbert.model.engine.EngineOptions;
import io.modernbert.model.engine.Windows;
import io.modernbert.stream.config.AppConfig;
import io.modernbert.stream.config.InputSpec;
import io.modernbert.stream.http.HttpLimits;
import io.modernbert.stream.http.HttpService;
import io.modernbert.stream.http.HttpSettings;
import io.modernbert.stream.kafka.KafkaOptions;
import io.modernbert.stream.scheduler.PassRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/modernbert-stream}: runs the topology against a Kafka cluster. Wiring only. */
@Command(
    name = "modernbert-stream",
    mixinStandardHelpOptions = true,
    versionProvider = StreamMain.Version.class,
    description = "Kafka Streams application: documents in, ModernBERT embeddings and labels out.",
    subcommands = {
      DemoCommand.class,
      StreamMain.Run.class,
      BrokerCommand.class,
      TailCommand.class,
      CommandLine.HelpCommand.class
    })
public final class StreamMain {
  /** Exit code when the model does not run at all (EX_SOFTWARE). */
  static final int EXIT_ENGINE_FAILED = StreamApp.EXIT_SOFTWARE;

  /** The version from the jar manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = StreamMain.class.getPackage().getImplementationVersion();
      return new String[] {"modernbert-stream " + (version == null ? "development" : version)};
    }
  }

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new StreamMain());
    cli.setExecutionExceptionHandler(
        (exception, commandLine, parseResult) -> {
          commandLine.getErr().println("modernbert-stream: " + exception.getMessage());
          return 1;
        });
    System.exit(cli.execute(args));
  }

  /**
   * {@code run}: connect to an existing cluster, process and serve HTTP until stopped (SIGTERM,
   * Ctrl-C). Every option may also come from the environment or a properties file, see {@link
   * SettingsDefaults}.
   */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      defaultValueProvider = SettingsDefaults.class,
      description = {
        "Process the documents topic of an existing cluster and serve the HTTP API.",
        "Options not given as flags come from MODERNBERT_<OPTION> environment variables (--bootstrap-servers:",
        "MODERNBERT_BOOTSTRAP_SERVERS), then from the properties file named by MODERNBERT_CONFIG (bootstrap-servers=...)."
      })
  static final class Run implements Callable<Integer> {
    @Option(
        names = "--bootstrap-servers",
        required = true,
        description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Mixin KafkaOptions kafkaOptions;

    @Option(
        names = "--create-topics",
        negatable = true,
        defaultValue = "true",
        fallbackValue = "true",
        description = {
          "Create missing topics at start (default). --no-create-topics only checks that they exist",
          "and fails naming each missing one (topics owned by a platform team; no CREATE permission needed)."
        })
    boolean createTopics;

    @Option(names = "--model", required = true, description = "Hugging Face ModernBERT folder.")
    Path model;

    @Option(
        names = "--http-port",
        defaultValue = "8080",
        description = "HTTP port (default ${DEFAULT-VALUE}; -1: no HTTP).")
    int httpPort;

    @Mixin HttpFlags httpFlags;

    @Option(
        names = "--http-timeout-ms",
        defaultValue = "30000",
        description = "How long /embed and /predict wait (default ${DEFAULT-VALUE} ms).")
    long httpTimeoutMs;

    @Option(
        names = "--application-id",
        defaultValue = "modernbert-stream",
        description = "Kafka Streams application id (default ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(
        names = "--state-dir",
        description = "Local state folder (default: data/streams in the installation folder).")
    Path stateDir;

    @Option(
        names = "--instance-id",
        description = {
          "This instance's stable name in the consumer group (static membership),",
          "e.g. the pod name (default: <host>-<hash of the state folder>)."
        })
    String instanceId;

    @Option(names = "--documents-topic", defaultValue = "documents")
    String documentsTopic;

    @Option(names = "--embeddings-topic", defaultValue = "embeddings")
    String embeddingsTopic;

    @Option(names = "--labels-topic", defaultValue = "labels")
    String labelsTopic;

    @Option(names = "--dead-letter-topic", defaultValue = "documents-dead-letters")
    String deadLetterTopic;

    @Option(
        names = "--input-format",
        defaultValue = "document",
        description = {
          "Values of the documents topic: document (our Avro Document, default), json (text and id by JSON Pointer),",
          "string (the value is the text, the key the id), registry-avro or registry-json (Confluent wire format; --schema-registry-url)."
        })
    String inputFormat;

    @Option(
        names = "--text-field",
        defaultValue = "/text",
        description =
            "With json and registry formats: path to the text, as a JSON Pointer (default ${DEFAULT-VALUE}).")
    String textField;

    @Option(
        names = "--id-field",
        description =
            "With json and registry formats: path to the id (default: the record key is the id).")
    String idField;

    @Option(
        names = "--copy-headers",
        split = ",",
        description =
            "Input record headers copied to the outputs, comma-separated (default: none).")
    List<String> copyHeaders = new ArrayList<>();

    @Option(
        names = "--output-format",
        defaultValue = "avro",
        description =
            "Values of the embeddings and labels topics: avro (single-object encoding, default), json or registry-avro.")
    String outputFormat;

    @Option(
        names = "--schema-registry-url",
        description = {
          "Schema Registry for the registry formats (Confluent REST API; Apicurio:",
          "http://host:8080/apis/ccompat/v7)."
        })
    String schemaRegistryUrl;

    @Option(
        names = "--schema-registry-basic-auth",
        description = "user:password for the Schema Registry (default: none).")
    String schemaRegistryBasicAuth;

    @Option(
        names = "--schema-registry-bearer-token",
        description =
            "A bearer token for the Schema Registry, instead of basic auth (default: none).")
    String schemaRegistryBearerToken;

    @Option(
        names = "--schema-registry-truststore",
        description = "PKCS12 trust store with the Schema Registry's CA (default: the JVM's).")
    Path schemaRegistryTrustStore;

    @Option(names = "--schema-registry-truststore-password")
    String schemaRegistryTrustStorePassword;

    @Option(
        names = "--schema-registry-keystore",
        description =
            "PKCS12 key store with a client certificate for the Schema Registry (mutual TLS).")
    Path schemaRegistryKeyStore;

    @Option(names = "--schema-registry-keystore-password")
    String schemaRegistryKeyStorePassword;

    @Option(
        names = "--long-documents",
        defaultValue = "truncate",
        description = {
          "Documents over the model's token limit: truncate (keep the first tokens; default) or windows (read whole, in",
          "overlapping windows; embedding and logits are the token-weighted means of the windows', and the outputs say how many)."
        })
    String longDocuments;

    @Option(
        names = "--window-overlap",
        defaultValue = "128",
        description =
            "With --long-documents windows: content tokens consecutive windows share (default ${DEFAULT-VALUE}).")
    int windowOverlap;

    @Option(
        names = "--partitions",
        defaultValue = "1",
        description =
            "Partitions of topics this command creates when missing (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
        names = "--replication-factor",
        description =
            "Replicas of topics this command creates (default: the cluster's default.replication.factor).")
    Short replicationFactor;

    @Option(
        names = "--max-wait-ms",
        defaultValue = "50",
        description = "Longest a document waits for its batch (default ${DEFAULT-VALUE} ms).")
    long maxWaitMs;

    @Option(
        names = "--engine-lanes",
        defaultValue = "2",
        description =
            "Engine lanes: 2 runs documents of up to 1,024 tokens and HTTP requests beside long"
                + " passes, so they never wait for one; 1 runs every pass in turn (default"
                + " ${DEFAULT-VALUE}).")
    int engineLanes;

    @Option(
        names = "--max-document-bytes",
        defaultValue = "1048576",
        description =
            "Larger texts go to the dead-letter topic, and HTTP answers 413 for them (default ${DEFAULT-VALUE}).")
    int maxDocumentBytes;

    @Option(
        names = "--processing-guarantee",
        defaultValue = "exactly_once_v2",
        description = "exactly_once_v2 (default) or at_least_once.")
    String processingGuarantee;

    @Option(
        names = "--threads",
        defaultValue = "0",
        description = "TensorFlow threads (default: all cores).")
    int threads;

    @Option(
        names = "--streams-config",
        description = "Extra Kafka Streams/consumer/producer setting KEY=VALUE (repeatable).")
    Map<String, String> streamsConfig = new HashMap<>();

    @Mixin EngineFlags engineFlags;

    /** Wraps the model's pass; the identity in production (tests inject a broken model here). */
    UnaryOperator<PassRunner> passRunner = UnaryOperator.identity();

    private static InputSpec input(InputSpec.Format format, String textField, String idField) {
      return switch (format) {
        case DOCUMENT -> InputSpec.document();
        case STRING -> InputSpec.string();
        case JSON -> InputSpec.json(textField, idField);
        case REGISTRY_AVRO, REGISTRY_JSON -> InputSpec.registry(format, textField, idField);
      };
    }

    @Override
    public Integer call() throws Exception {
      AppConfig defaults =
          AppConfig.defaults(bootstrapServers, model)
              .withKafka(kafkaOptions.clientConfig(bootstrapServers))
              .withCreateTopics(createTopics);
      EngineOptions engine = engineFlags.apply(EngineOptions.defaults()).withThreads(threads);
      AppConfig config =
          defaults
              .withApplicationId(applicationId)
              .withTopics(
                  new AppConfig.TopicNames(
                      documentsTopic, embeddingsTopic, labelsTopic, deadLetterTopic))
              .withEngine(engine)
              .withMaxWait(Duration.ofMillis(maxWaitMs))
              .withEngineLanes(engineLanes)
              .withMaxDocumentBytes(maxDocumentBytes)
              .withProcessingGuarantee(processingGuarantee)
              .withStateDir(stateDir != null ? stateDir : defaults.stateDir())
              .withInstanceId(instanceId)
              .withInput(
                  input(InputSpec.Format.parse(inputFormat), textField, idField)
                      .withLongDocuments(Windows.LongDocuments.parse(longDocuments), windowOverlap)
                      .withCopiedHeaders(copyHeaders))
              .withOutputFormat(AppConfig.OutputFormat.parse(outputFormat))
              .withSchemaRegistry(
                  schemaRegistryUrl == null
                      ? null
                      : new AppConfig.SchemaRegistry(
                          schemaRegistryUrl,
                          schemaRegistryBasicAuth,
                          schemaRegistryBearerToken,
                          schemaRegistryTrustStore == null && schemaRegistryKeyStore == null
                              ? null
                              : new AppConfig.TlsStores(
                                  schemaRegistryTrustStore,
                                  schemaRegistryTrustStorePassword,
                                  schemaRegistryKeyStore,
                                  schemaRegistryKeyStorePassword)))
              .withStreamsOverrides(streamsConfig);
      if (config.schemaRegistry() == null
          && (config.input().format().usesRegistry()
              || config.outputFormat() == AppConfig.OutputFormat.REGISTRY_AVRO)) {
        throw new IllegalArgumentException(
            "--input-format registry-avro/registry-json and --output-format registry-avro need"
                + " --schema-registry-url (MODERNBERT_SCHEMA_REGISTRY_URL)");
      }
      PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      ServiceLifecycle lifecycle = new ServiceLifecycle(System.err);
      try {
        StreamApp app =
            lifecycle.started(
                StreamApp.start(
                    config,
                    meters,
                    partitions,
                    Optional.ofNullable(replicationFactor),
                    Duration.ofMinutes(5),
                    passRunner));
        lifecycle.watch(app);
        HttpService http =
            httpPort < 0
                ? null
                : lifecycle.started(
                    HttpService.start(
                        app,
                        config,
                        meters,
                        httpFlags.settings(httpPort, HttpSettings.ALL_INTERFACES),
                        HttpLimits.defaults()
                            .withMaxDocumentBytes(maxDocumentBytes)
                            .withMaxBodyBytes(
                                Math.max(
                                    HttpLimits.defaults().maxBodyBytes(), 6L * maxDocumentBytes)),
                        Duration.ofMillis(httpTimeoutMs)));
        if (http != null) {
          System.out.println("modernbert-stream: HTTP on port " + http.port());
        }
        // One line that launchers and tests wait for.
        System.out.println(
            "modernbert-stream: RUNNING application "
                + config.applicationId()
                + " on "
                + config.kafka().describe());
        System.out.flush();
      } catch (Exception e) {
        lifecycle.closeAll();
        throw e;
      }
      return lifecycle.awaitStop();
    }
  }
}
