package io.modernbert.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.stream.config.AppConfig;
import io.modernbert.stream.config.StreamsProperties;
import io.modernbert.stream.scheduler.BatchScheduler;
import io.modernbert.stream.scheduler.PassRunner;
import io.modernbert.stream.topology.StreamMetrics;
import io.modernbert.stream.topology.TopologyFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
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
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final CompletableFuture<Throwable> engineFailure = new CompletableFuture<>();

  private StreamApp(
      InferenceEngine engine,
      BatchScheduler scheduler,
      KafkaStreams streams,
      StreamMetrics metrics,
      KafkaStreamsMetrics clientMetrics) {
    this.engine = engine;
    this.scheduler = scheduler;
    this.streams = streams;
    this.metrics = metrics;
    this.clientMetrics = clientMetrics;
    scheduler.onEngineFailure(engineFailure::complete);
  }

  /** Loads the model, creates missing topics, starts the topology and waits until it runs. */
  public static StreamApp start(
      AppConfig config, MeterRegistry meters, int partitions, Duration timeout)
      throws InterruptedException {
    return start(config, meters, partitions, java.util.Optional.empty(), timeout);
  }

  /**
   * As above; missing topics get {@code replicationFactor} replicas (empty: the cluster's default).
   */
  public static StreamApp start(
      AppConfig config,
      MeterRegistry meters,
      int partitions,
      java.util.Optional<Short> replicationFactor,
      Duration timeout)
      throws InterruptedException {
    return start(config, meters, partitions, replicationFactor, timeout, UnaryOperator.identity());
  }

  /** As above, with the model's pass wrapped by {@code passRunner} (tests inject failures here). */
  public static StreamApp start(
      AppConfig config,
      MeterRegistry meters,
      int partitions,
      java.util.Optional<Short> replicationFactor,
      Duration timeout,
      UnaryOperator<PassRunner> passRunner)
      throws InterruptedException {
    StreamMetrics metrics = new StreamMetrics(meters);
    // Loading the model, creating the topics and Kafka Streams joining its group each take seconds:
    // they overlap. A task's processor asks for the scheduler in its init and waits there until the
    // model has loaded; the scheduler then warms the engine up on its own thread.
    CompletableFuture<BatchScheduler> loaded = new CompletableFuture<>();
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
      createTopics(config, partitions, replicationFactor);
      KafkaStreams streams =
          new KafkaStreams(
              TopologyFactory.build(config, loaded::join, metrics),
              StreamsProperties.of(config, meters));
      CountDownLatch running = new CountDownLatch(1);
      // A stream thread that dies of an unexpected error (a broker outage longer than the task
      // timeout, say) is replaced rather than leaving its tasks unprocessed; the new thread
      // restores and resubmits what was pending. If the model itself is broken, or failed to load,
      // the application stops.
      streams.setUncaughtExceptionHandler(
          failure -> {
            if (loaded.isCompletedExceptionally()
                || (loaded.isDone() && !loaded.join().running())) {
              LOG.error(
                  "stream thread failed and the model is down; shutting the application down",
                  failure);
              return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            LOG.error("stream thread failed; replacing it", failure);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
          });
      streams.setStateListener(
          (now, before) -> {
            LOG.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
              running.countDown();
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
      Gauge.builder("modernbert.scheduler.queue.tokens", scheduler, BatchScheduler::queuedTokens)
          .description("Tokens waiting in the scheduler's queue")
          .register(meters);
      if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        streams.close(Duration.ofSeconds(10));
        clientMetrics.close();
        throw new IllegalStateException(
            "Kafka Streams did not reach RUNNING within "
                + timeout
                + " (is the broker at "
                + config.bootstrapServers()
                + " reachable?)");
      }
      return new StreamApp(scheduler.engine(), scheduler, streams, metrics, clientMetrics);
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
          passRunner.apply(
              (documents, hiddenStates, onPacked) ->
                  engine.encode(documents, hiddenStates, onPacked)));
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
    } catch (java.util.concurrent.ExecutionException e) {
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
    createTopics(config, partitions, java.util.Optional.empty());
  }

  /**
   * Creates the input, output and dead-letter topics if they do not exist; {@code
   * replicationFactor} empty: the cluster's {@code default.replication.factor} (never a silent 1 on
   * a real cluster).
   */
  public static void createTopics(
      AppConfig config, int partitions, java.util.Optional<Short> replicationFactor) {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
      List<NewTopic> topics =
          java.util.stream.Stream.of(
                  config.topics().documents(),
                  config.topics().embeddings(),
                  config.topics().labels(),
                  config.topics().deadLetters())
              .distinct()
              .map(name -> new NewTopic(name, java.util.Optional.of(partitions), replicationFactor))
              .toList();
      // One request for all four: a start is one round trip to the controller, not four.
      Map<String, org.apache.kafka.common.KafkaFuture<Void>> created =
          admin.createTopics(topics).values();
      for (var topic : created.entrySet()) {
        try {
          topic.getValue().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create topic " + topic.getKey() + ": " + e.getCause().getMessage(),
                e.getCause());
          }
        } catch (java.util.concurrent.TimeoutException e) {
          throw new IllegalStateException(
              "timed out creating topic " + topic.getKey() + " on " + config.bootstrapServers(), e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while creating topics", e);
        }
      }
    }
  }

  public InferenceEngine engine() {
    return engine;
  }

  /**
   * Completes when the model does not run at all, not even a probe document (a broken model, out of
   * memory): processing cannot go on, and the process should exit non-zero so that its supervisor
   * restarts it.
   */
  public CompletableFuture<Throwable> engineFailure() {
    return engineFailure;
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
