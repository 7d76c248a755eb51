package io.modernbert.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.stream.config.AppConfig;
import io.modernbert.stream.config.StreamsProperties;
import io.modernbert.stream.http.DocumentPublisher;
import io.modernbert.stream.kafka.KafkaPermissions;
import io.modernbert.stream.kafka.TopicAdmin;
import io.modernbert.stream.scheduler.BatchScheduler;
import io.modernbert.stream.scheduler.PassRunner;
import io.modernbert.stream.topology.StreamMetrics;
import io.modernbert.stream.topology.TopologyFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running application: the engine, the instance's batch scheduler (the only user of the
 * engine), the topology and its KafkaStreams instance. Wiring only; the behaviour is in {@link
 * TopologyFactory} and {@link BatchScheduler}.
 */
public final class StreamApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamApp.class);

  private final InferenceEngine engine;
  private final BatchScheduler scheduler;
  private final KafkaStreams streams;
  private final StreamMetrics metrics;
  private final KafkaStreamsMetrics clientMetrics;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<FatalFailure> fatalFailure;

  /**
   * Why the instance cannot go on, and the exit code that tells its supervisor.
   *
   * @param reason one line for the log and the terminal
   * @param exitCode {@link #EXIT_SOFTWARE} for a broken model or a dead thread, {@link
   *     #EXIT_CONFIG} for a missing permission or bad credentials
   */
  public record FatalFailure(String reason, int exitCode) {}

  /** Exit code of an internal failure (the model does not run, a thread died): EX_SOFTWARE. */
  public static final int EXIT_SOFTWARE = 70;

  /** Exit code of a failure a restart cannot fix (permissions, credentials): EX_CONFIG. */
  public static final int EXIT_CONFIG = 78;

  private StreamApp(
      InferenceEngine engine,
      BatchScheduler scheduler,
      KafkaStreams streams,
      StreamMetrics metrics,
      KafkaStreamsMetrics clientMetrics,
      CompletableFuture<FatalFailure> fatalFailure) {
    this.engine = engine;
    this.scheduler = scheduler;
    this.streams = streams;
    this.metrics = metrics;
    this.clientMetrics = clientMetrics;
    this.fatalFailure = fatalFailure;
  }

  /** Loads the model, creates missing topics, starts the topology and waits until it runs. */
  public static StreamApp start(
      AppConfig config, MeterRegistry meters, int partitions, Duration timeout)
      throws InterruptedException {
    return start(config, meters, partitions, Optional.empty(), timeout);
  }

  /**
   * As above; missing topics get {@code replicationFactor} replicas (empty: the cluster's default).
   */
  public static StreamApp start(
      AppConfig config,
      MeterRegistry meters,
      int partitions,
      Optional<Short> replicationFactor,
      Duration timeout)
      throws InterruptedException {
    return start(config, meters, partitions, replicationFactor, timeout, UnaryOperator.identity());
  }

  /** As above, with the model's pass wrapped by {@code passRunner} (tests inject failures here). */
  public static StreamApp start(
      AppConfig config,
      MeterRegistry meters,
      int partitions,
      Optional<Short> replicationFactor,
      Duration timeout,
      UnaryOperator<PassRunner> passRunner)
      throws InterruptedException {
    StreamMetrics metrics = new StreamMetrics(meters);
    // Loading the model, creating the topics and Kafka Streams joining its group each take seconds:
    // they overlap. A task's processor asks for the scheduler in its init and waits there until the
    // model has loaded; the scheduler then warms the engine up on its own thread.
    CompletableFuture<BatchScheduler> loaded = new CompletableFuture<>();
    CompletableFuture<FatalFailure> fatalFailure = new CompletableFuture<>();
    Thread loader =
        new Thread(
            () -> {
              try {
                loaded.complete(loadScheduler(config, metrics, passRunner));
              } catch (Throwable failure) {
                loaded.completeExceptionally(failure);
              }
            },
            "modernbert-load");
    loader.setDaemon(true);
    loader.start();
    try {
      prepareTopics(config, partitions, replicationFactor);
      KafkaStreams streams =
          new KafkaStreams(
              TopologyFactory.build(config, loaded::join, metrics),
              StreamsProperties.of(config, meters));
      CountDownLatch running = new CountDownLatch(1);
      KafkaPermissions permissions = permissions(config);
      // A stream thread that dies of an unexpected exception (a broker outage longer than the task
      // timeout, say) is replaced rather than leaving its tasks unprocessed; the new thread
      // restores and resubmits what was pending. What a new thread cannot fix stops the instance,
      // with a line saying why: a missing permission or refused credentials, an Error (out of
      // memory, a stack overflow), a model that is down or failed to load.
      streams.setUncaughtExceptionHandler(
          failure -> {
            Optional<String> denied = permissions.explainFailure(failure);
            String fatal =
                denied.orElseGet(
                    () ->
                        isError(failure)
                            ? "a stream thread died of " + rootError(failure)
                            : loaded.isCompletedExceptionally()
                                    || (loaded.isDone() && !loaded.join().running())
                                ? "a stream thread failed and the model is down: " + failure
                                : null);
            if (fatal == null) {
              LOG.error("stream thread failed; replacing it", failure);
              return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            LOG.error("{}; shutting the instance down", fatal, failure);
            fatalFailure.complete(
                new FatalFailure(fatal, denied.isPresent() ? EXIT_CONFIG : EXIT_SOFTWARE));
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
          });
      streams.setStateListener(
          (now, before) -> {
            LOG.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
              running.countDown();
            } else if (now == KafkaStreams.State.ERROR) {
              fatalFailure.complete(
                  new FatalFailure("Kafka Streams stopped in state ERROR", EXIT_SOFTWARE));
            }
          });
      // Kafka's own client metrics (consumer lag, commit and poll rates) beside ours on /metrics:
      // the dashboard and autoscalers read the input topic's lag from here.
      KafkaStreamsMetrics clientMetrics = new KafkaStreamsMetrics(streams);
      clientMetrics.bindTo(meters);
      streams.start();
      BatchScheduler scheduler;
      try {
        scheduler = awaitModel(loaded);
      } catch (RuntimeException | InterruptedException e) {
        streams.close(Duration.ofSeconds(10));
        clientMetrics.close();
        throw e;
      }
      scheduler.onEngineFailure(
          failure ->
              fatalFailure.complete(
                  new FatalFailure(
                      "the model does not run, not even a probe document (" + failure + ")",
                      EXIT_SOFTWARE)));
      Gauge.builder("modernbert.scheduler.queue.tokens", scheduler, BatchScheduler::queuedTokens)
          .description("Tokens waiting in the scheduler's queue")
          .register(meters);
      // Until RUNNING, or until a failure that a wait cannot fix (a missing permission, a dead
      // thread): that one is the start's error, at once.
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!running.await(100, TimeUnit.MILLISECONDS)) {
        if (fatalFailure.isDone() || System.nanoTime() > deadline) {
          streams.close(Duration.ofSeconds(10));
          clientMetrics.close();
          throw new IllegalStateException(
              fatalFailure.isDone()
                  ? fatalFailure.join().reason()
                  : "Kafka Streams did not reach RUNNING within "
                      + timeout
                      + " (is the broker at "
                      + config.kafka().describe()
                      + " reachable?)");
        }
      }
      return new StreamApp(
          scheduler.engine(), scheduler, streams, metrics, clientMetrics, fatalFailure);
    } catch (RuntimeException | InterruptedException e) {
      // Frees the model now, or once it has loaded.
      loaded.thenAccept(
          scheduler -> {
            scheduler.close();
            scheduler.engine().close();
          });
      throw e;
    }
  }

  private static BatchScheduler loadScheduler(
      AppConfig config, StreamMetrics metrics, UnaryOperator<PassRunner> passRunner) {
    InferenceEngine engine =
        InferenceEngine.load(config.modelDir(), config.engine().withWarmup(false));
    try {
      return new BatchScheduler(
          engine,
          config.scheduler(),
          metrics,
          config.engine().warmup(),
          passRunner.apply(engine::encode));
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
  }

  /** The loaded model's scheduler; a load failure is thrown as it was thrown on the loader. */
  private static BatchScheduler awaitModel(CompletableFuture<BatchScheduler> loaded)
      throws InterruptedException {
    try {
      return loaded.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("the model failed to load", e.getCause());
    }
  }

  /**
   * Creates the input, output and dead-letter topics if they do not exist, with the cluster's
   * default replication factor.
   */
  public static void createTopics(AppConfig config, int partitions) {
    prepareTopics(config, partitions, Optional.empty());
  }

  /**
   * Makes sure the input, output and dead-letter topics exist: creates the missing ones ({@code
   * partitions} each, {@code replicationFactor} replicas, empty: the cluster's default) or, when
   * the configuration says topics are not created, fails naming the missing ones. Then checks that
   * this principal may read the input and write the outputs, so that a missing ACL is one clear
   * error at start rather than a stream thread failing over and over.
   */
  static void prepareTopics(AppConfig config, int partitions, Optional<Short> replicationFactor) {
    List<TopicAdmin.TopicSpec> topics =
        Stream.of(
                config.topics().documents(),
                config.topics().embeddings(),
                config.topics().labels(),
                config.topics().deadLetters())
            .map(name -> new TopicAdmin.TopicSpec(name, Optional.of(partitions), replicationFactor))
            .toList();
    try (TopicAdmin admin = new TopicAdmin(config.kafka(), config.applicationId() + "-topics")) {
      Map<String, TopicDescription> described =
          admin.ensure(
              topics,
              config.createTopics() ? TopicAdmin.Mode.CREATE_MISSING : TopicAdmin.Mode.VERIFY);
      permissions(config).check(described);
    }
  }

  /** The ACLs this instance's principal needs (HTTP ingestion's are checked by its producer). */
  public static KafkaPermissions permissions(AppConfig config) {
    AppConfig.TopicNames names = config.topics();
    return new KafkaPermissions(
        config.applicationId(),
        DocumentPublisher.TRANSACTIONAL_ID_PREFIX,
        KafkaPermissions.topicOperations(
            names.documents(),
            List.of(names.embeddings(), names.labels(), names.deadLetters()),
            false));
  }

  public InferenceEngine engine() {
    return engine;
  }

  /**
   * Completes when the instance cannot go on: the model does not run at all, not even a probe
   * document (a broken model, out of memory), a thread died of an {@link Error}, Kafka Streams
   * reached ERROR, or the principal lacks a permission. The process should exit with its code, so
   * that a supervisor restarts it (or a person fixes the ACLs).
   */
  public CompletableFuture<FatalFailure> fatalFailure() {
    return fatalFailure;
  }

  private static boolean isError(Throwable failure) {
    return rootError(failure) != null;
  }

  /** The first {@link Error} in the cause chain (Kafka Streams wraps what a thread threw). */
  private static Error rootError(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof Error error) {
        return error;
      }
    }
    return null;
  }

  public BatchScheduler scheduler() {
    return scheduler;
  }

  public KafkaStreams streams() {
    return streams;
  }

  public StreamMetrics metrics() {
    return metrics;
  }

  /**
   * Stops Kafka Streams (committing what is done) and leaves the group, so that the partitions move
   * to the other instances at once (a static member that stops without leaving keeps them until its
   * session times out); then the scheduler, then frees the model. Idempotent. A SIGKILLed instance
   * leaves nothing: restarted with the same instance id, it takes its partitions back.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      boolean stopped =
          streams.close(
              CloseOptions.groupMembershipOperation(
                      CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                  .withTimeout(Duration.ofSeconds(30)));
      clientMetrics.close();
      scheduler.close();
      if (stopped) {
        engine.close();
      } else {
        // A stream thread still running may still tokenize with it: freeing native memory under it
        // would crash the JVM. The process is exiting anyway.
        LOG.error("Kafka Streams did not stop within 30 s; the model is left loaded");
      }
    }
  }
}
