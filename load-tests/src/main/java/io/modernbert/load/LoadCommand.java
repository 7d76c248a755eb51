package io.modernbert.load;

import io.modernbert.model.cli.EncodeLoop;
import io.modernbert.model.cli.EngineFlags;
import io.modernbert.model.engine.EngineOptions;
import io.modernbert.model.tokenizer.ModernBertTokenizer;
import io.modernbert.stream.kafka.KafkaOptions;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code modernbert load}: drives a running service from outside and measures it as its users meet
 * it, through Kafka (produce documents, read the outputs) or HTTP ({@code POST /embed}). The
 * documents are made before the run ({@code --lengths}: lognormal token lengths, a realistic mix of
 * word lengths, single sentences; or {@code --input}). With {@code --settle} the run first waits
 * until the service is ready ({@link StartGate}). Prints a summary to stdout, latency by length
 * class included, and writes a report folder; with {@code --engine-compare} it then runs the same
 * documents through the engine in-process and prints the share of the engine's speed the service
 * keeps.
 */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    description =
        "Load a running modernbert-stream service end to end (Kafka or HTTP) and report throughput,"
            + " latency percentiles, lag, batch fill, duplicates and missing outputs.",
    footer = {
      "",
      "Exit code: 0 when every document came back exactly once (HTTP: every answer was 200),"
          + " 1 otherwise or on failure, 2 for bad options."
    })
public final class LoadCommand implements Callable<Integer> {
  enum Mode {
    burst,
    rate
  }

  /** How the generated documents' lengths are drawn (see {@link #makeDocuments}). */
  enum Lengths {
    lognormal,
    mixed,
    sentences
  }

  @Spec private CommandSpec spec;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description =
          "Kafka mode: the service's brokers. With --http-url, only used to sample the lag.")
  private String bootstrapServers;

  @Mixin private KafkaOptions kafkaOptions;

  @Option(
      names = "--http-url",
      paramLabel = "URL",
      description = "HTTP mode: the service's HTTP base URL, e.g. http://127.0.0.1:8080.")
  private URI httpUrl;

  @Option(
      names = "--documents-topic",
      paramLabel = "TOPIC",
      defaultValue = "documents",
      description = "Input topic (default ${DEFAULT-VALUE}).")
  private String documentsTopic;

  @Option(
      names = "--embeddings-topic",
      paramLabel = "TOPIC",
      defaultValue = "embeddings",
      description = "Embeddings topic (default ${DEFAULT-VALUE}).")
  private String embeddingsTopic;

  @Option(
      names = "--labels-topic",
      paramLabel = "TOPIC",
      defaultValue = "labels",
      description = "Labels topic, read when it exists (default ${DEFAULT-VALUE}).")
  private String labelsTopic;

  @Option(
      names = "--application-id",
      paramLabel = "ID",
      defaultValue = "modernbert-stream",
      description =
          "The service's Kafka Streams application id, whose committed offsets give the lag (default ${DEFAULT-VALUE}).")
  private String applicationId;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      description =
          "Create the input topic with N partitions if it does not exist (default: the broker's default); warn if it has another count.")
  private Integer partitions;

  @Option(
      names = "--mode",
      paramLabel = "burst|rate",
      defaultValue = "burst",
      description =
          "burst: send everything at once (HTTP: closed loop); rate: open loop at --rate (default ${DEFAULT-VALUE}).")
  private Mode mode;

  @Option(
      names = "--rate",
      paramLabel = "R",
      description = "Documents (requests) per second in --mode rate.")
  private Double rate;

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description =
          "Length of a --mode rate run when --documents is not given (default ${DEFAULT-VALUE}).")
  private Duration duration;

  @Option(
      names = {"--documents", "--requests"},
      paramLabel = "N",
      description = "Documents (HTTP: requests) to send (default 1000, or rate x duration).")
  private Integer documents;

  @Option(
      names = "--concurrency",
      paramLabel = "C",
      defaultValue = "8",
      description =
          "HTTP: clients sending back to back, or most requests in flight at a rate (default ${DEFAULT-VALUE}).")
  private int concurrency;

  @Option(
      names = "--input",
      paramLabel = "FILE.jsonl",
      description =
          "Texts from {\"id\",\"text\"} lines (ids replaced by this run's), repeated if --documents is larger.")
  private Path input;

  @Option(
      names = "--lengths",
      paramLabel = "lognormal|mixed|sentences",
      description = {
        "Lengths of the generated documents, all of real sentences in 24 languages (default lognormal):",
        "lognormal: token lengths of median 150 and log-space sigma 0.9, 8 to 8,192 tokens, several"
            + " languages per document;",
        "mixed: a realistic mix, one language per document, word counts of median 40 and log-space"
            + " sigma 0.9 (a Chinese or Japanese character counts as a word); with the default"
            + " model's tokenizer 55% up to 128 tokens, 25% 129-256, 14% 257-512, 5% 513-1,024, 1%"
            + " longer (up to about 4,000), cut at 8,192;",
        "sentences: one short real sentence per document (for /embed)."
      })
  private Lengths lengths;

  @Option(names = "--sentences", description = "Same as --lengths sentences (the older name).")
  private boolean sentences;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description = "Seed of the generated documents (default ${DEFAULT-VALUE}).")
  private long seed;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "Model folder for the tokenizer and --engine-compare (default models/langid-modernbert).")
  private Path model;

  @Option(
      names = "--engine-compare",
      description =
          "After the run, encode the same documents in-process exactly as bin/modernbert encode"
              + " does (its loop, 512 documents per engine call, its engine options) and print"
              + " ENGINE and RATIO e2e/engine (meaningful for burst runs: at a rate, end-to-end"
              + " throughput is the rate offered).")
  private boolean engineCompare;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Engine threads for --engine-compare, as encode's --threads (default 0: all cores).")
  private int threads;

  @Option(
      names = "--save-input",
      paramLabel = "FILE.jsonl",
      description =
          "Write the run's documents to FILE as {\"id\",\"text\"} lines, which"
              + " bin/modernbert encode --input and load --input read: the same documents for the"
              + " offline baseline.")
  private Path saveInput;

  @Mixin private EngineFlags engineFlags;

  @Option(
      names = "--timeout",
      paramLabel = "TIME",
      defaultValue = "10m",
      converter = DurationConverter.class,
      description =
          "How long to wait for all outputs after the last send; HTTP: per request (default ${DEFAULT-VALUE}).")
  private Duration timeout;

  @Option(
      names = "--settle",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description = {
        "Wait until the service is ready, then TIME more (e.g. 20s; 0s: start right at ready), then"
            + " start the clock and send the measured documents (at a rate, the clock starts with"
            + " the first send). Ready: in HTTP mode GET <http-url>/ready answers 200 (Kafka Streams"
            + " running, the model warm); in Kafka mode --ready-url answers 200, or without it a"
            + " probe document sent to the input topic comes back on the embeddings topic (it is not"
            + " counted). Without --settle, sends start as soon as the run is set up."
      })
  private Duration settle;

  @Option(
      names = "--ready-url",
      paramLabel = "URL",
      description =
          "With --settle: the URL whose 200 means ready, e.g. http://127.0.0.1:8080/ready (default:"
              + " <http-url>/ready in HTTP mode, the probe document in Kafka mode).")
  private URI readyUrl;

  @Option(
      names = "--ready-timeout",
      paramLabel = "TIME",
      defaultValue = "10m",
      converter = DurationConverter.class,
      description = "With --settle: how long to wait for ready (default ${DEFAULT-VALUE}).")
  private Duration readyTimeout;

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description = "Report folder (default load-tests/target/load-report-<timestamp>).")
  private Path report;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    validate();
    Path home = Path.of(System.getProperty("modernbert.home", ".")).toAbsolutePath().normalize();
    Path modelDir = model != null ? model : home.resolve("models/langid-modernbert");
    Path reportDir =
        report != null
            ? report
            : home.resolve(
                "load-tests/target/load-report-"
                    + LocalDateTime.now()
                        .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
    RunIds ids = RunIds.fresh();
    Timeline timeline = mode == Mode.rate ? new Timeline(rate) : Timeline.burst();
    int count =
        documents != null
            ? documents
            : mode == Mode.rate ? (int) Math.ceil(rate * duration.toMillis() / 1000.0) : 1000;

    List<LoadDocument> docs = makeDocuments(modelDir, ids, count);
    if (saveInput != null) {
      // Before the run, so the file is there for encode even if the run fails.
      try (Writer writer = Files.newBufferedWriter(saveInput, StandardCharsets.UTF_8)) {
        DocumentSource.writeJsonl(docs, writer);
      }
      err.printf(
          "load: documents saved to %s (bin/modernbert encode --model %s --input %s)%n",
          saveInput, modelDir, saveInput);
    }
    Map<String, Object> settings = settings(ids, docs, modelDir);
    err.printf(
        Locale.ROOT,
        "load: run %s: %d documents, %d tokens, to %s%n",
        ids.runId(),
        docs.size(),
        docs.stream().mapToLong(LoadDocument::tokens).sum(),
        httpUrl != null ? httpUrl : bootstrapServers);

    KafkaRun.Target target =
        bootstrapServers == null
            ? null
            : new KafkaRun.Target(
                kafkaOptions.clientConfig(bootstrapServers),
                documentsTopic,
                embeddingsTopic,
                labelsTopic,
                applicationId,
                partitions);
    StartGate.Settle gate = settle();
    LoadResult result =
        httpUrl != null
            ? HttpRun.run(
                httpUrl, concurrency, timeout, target, docs, timeline, gate, settings, err)
            : KafkaRun.run(target, ids, docs, timeline, timeout, gate, settings, err);
    if (engineCompare) {
      result =
          result.withEngine(
              EngineComparison.encode(modelDir, engineOptions(), docs, err).documentsPerSecond());
    }
    List<String> charts = ReportWriter.write(result, reportDir);
    result.summaryLines().forEach(out::println);
    out.println(
        "REPORT " + reportDir.resolve(ReportWriter.INDEX) + " (" + charts.size() + " charts)");
    out.flush();
    return clean(result) ? 0 : 1;
  }

  /** The --settle options, or null without --settle; in HTTP mode ready is /ready by default. */
  StartGate.Settle settle() {
    if (settle == null) {
      return null;
    }
    URI url = readyUrl != null ? readyUrl : httpUrl != null ? httpUrl.resolve("/ready") : null;
    return new StartGate.Settle(settle, readyTimeout, url);
  }

  private void validate() {
    if (bootstrapServers == null && httpUrl == null) {
      throw new ParameterException(
          spec.commandLine(), "give --bootstrap-servers (Kafka mode) or --http-url (HTTP mode)");
    }
    if (mode == Mode.rate && (rate == null || !(rate > 0))) {
      throw new ParameterException(spec.commandLine(), "--mode rate needs --rate R with R > 0");
    }
    if (mode == Mode.burst && rate != null) {
      throw new ParameterException(spec.commandLine(), "--rate needs --mode rate");
    }
    if (documents != null && documents < 1
        || concurrency < 1
        || timeout.isNegative()
        || timeout.isZero()) {
      throw new ParameterException(
          spec.commandLine(), "--documents, --concurrency and --timeout must be positive");
    }
    if (settle != null && settle.isNegative()
        || readyTimeout.isNegative()
        || readyTimeout.isZero()) {
      throw new ParameterException(
          spec.commandLine(), "--settle must be 0s or more and --ready-timeout positive");
    }
    if (readyUrl != null && settle == null) {
      throw new ParameterException(spec.commandLine(), "--ready-url needs --settle");
    }
    if (input != null && (lengths != null || sentences)) {
      throw new ParameterException(
          spec.commandLine(), "--input and --lengths (or --sentences) exclude each other");
    }
    if (sentences && lengths != null && lengths != Lengths.sentences) {
      throw new ParameterException(
          spec.commandLine(), "--sentences means --lengths sentences, not --lengths " + lengths);
    }
  }

  /** --lengths as given, --sentences as its alias, else lognormal (the lengths of old runs). */
  Lengths lengths() {
    return sentences ? Lengths.sentences : lengths != null ? lengths : Lengths.lognormal;
  }

  private List<LoadDocument> makeDocuments(Path modelDir, RunIds ids, int count) throws Exception {
    try (ModernBertTokenizer tokenizer =
        ModernBertTokenizer.load(modelDir, DocumentSource.MAX_TOKENS)) {
      SentenceCorpus corpus = SentenceCorpus.shipped(tokenizer);
      if (input != null) {
        return DocumentSource.jsonl(
            input, corpus::tokens, ids, documents != null || mode == Mode.rate ? count : 0);
      }
      return switch (lengths()) {
        case lognormal -> DocumentSource.generated(corpus, ids, count, seed);
        case mixed -> DocumentSource.mixed(corpus, ids, count, seed);
        case sentences -> DocumentSource.sentences(corpus, ids, count, seed);
      };
    }
  }

  private Map<String, Object> settings(RunIds ids, List<LoadDocument> docs, Path modelDir) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("runId", ids.runId());
    settings.put("startedAt", Instant.now().toString());
    settings.put("target", httpUrl != null ? httpUrl.toString() : bootstrapServers);
    settings.put(
        "mode",
        mode == Mode.rate ? "rate " + rate + "/s" : httpUrl != null ? "closed loop" : "burst");
    settings.put("documents", docs.size());
    settings.put("tokens", docs.stream().mapToLong(LoadDocument::tokens).sum());
    settings.put(
        "source",
        input != null
            ? input.toString()
            : switch (lengths()) {
              case lognormal -> "lognormal (median 150 tokens, sigma 0.9, 8..8192)";
              case mixed ->
                  "mixed (median 40 words, sigma 0.9, one language each, max 8192 tokens)";
              case sentences -> "sentences";
            });
    settings.put("seed", seed);
    if (httpUrl != null) {
      settings.put("concurrency", concurrency);
    } else {
      settings.put("topics", documentsTopic + " -> " + embeddingsTopic + ", " + labelsTopic);
      settings.put("applicationId", applicationId);
    }
    settings.put("timeout", DurationConverter.format(timeout));
    StartGate.Settle gate = settle();
    settings.put(
        "settle",
        gate == null
            ? "none (no wait for ready)"
            : DurationConverter.format(gate.settle())
                + " after ready, waiting up to "
                + DurationConverter.format(gate.timeout())
                + (gate.readyUrl() != null
                    ? " for GET " + gate.readyUrl()
                    : " for a probe document"));
    settings.put("model", modelDir.toString());
    if (engineCompare) {
      EngineOptions options = engineOptions();
      settings.put(
          "engine",
          String.format(
              Locale.ROOT,
              "%s, xla %s, threads %d, as bin/modernbert encode (%d documents per engine call)",
              options.precision(),
              options.xla(),
              threads,
              EncodeLoop.CHUNK));
    }
    if (saveInput != null) {
      settings.put("savedInput", saveInput.toString());
    }
    return settings;
  }

  /** What bin/modernbert encode loads its engine with for the same flags and its own defaults. */
  private EngineOptions engineOptions() {
    return EncodeLoop.engineOptions(engineFlags, 0, false, threads);
  }

  /** Every document came back exactly once, or every request was answered well. */
  private static boolean clean(LoadResult result) {
    LoadResult.Counts c = result.counts();
    return c.sendErrors() == 0
        && c.missing() == 0
        && c.duplicates() == 0
        && c.httpErrorCount() == 0
        && c.received() == c.sent();
  }
}
