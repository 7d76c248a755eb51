package io.modernbert.stream.broker;

import java.net.BindException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process, single-node Apache Kafka cluster in KRaft mode: one JVM-local server that is both
 * broker and controller, run from Kafka's own server classes. No Docker, no ZooKeeper.
 *
 * <p>Listens on 127.0.0.1 only. Topics and records live under the given data directory, so starting
 * again on the same directory brings them back. Transactions, read_committed consumers and Kafka
 * Streams' {@code exactly_once_v2} work: every internal topic is sized for one replica.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
 *     kafka.createTopics(Map.of("documents", 4));
 *     ... clients use kafka.bootstrapServers() ...
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  /** Free ports are picked, then closed, then bound by Kafka: another process may win the race. */
  private static final int PORT_ATTEMPTS = 3;

  private final KafkaRaftServer server;
  private final BrokerAdmin admin;
  private final Path dataDir;
  private final String clusterId;
  private final String bootstrapServers;
  private final String secureBootstrapServers;
  private boolean closed;

  private EmbeddedKafka(
      KafkaRaftServer server,
      BrokerAdmin admin,
      Path dataDir,
      String clusterId,
      String bootstrapServers,
      String secureBootstrapServers) {
    this.server = server;
    this.admin = admin;
    this.dataDir = dataDir;
    this.clusterId = clusterId;
    this.bootstrapServers = bootstrapServers;
    this.secureBootstrapServers = secureBootstrapServers;
  }

  /**
   * Starts a broker on a free port with default options; see {@link #start(Path,
   * EmbeddedKafkaOptions)}.
   */
  public static EmbeddedKafka start(Path dataDir) {
    return start(dataDir, EmbeddedKafkaOptions.defaults());
  }

  /**
   * Formats {@code dataDir} if it holds no Kafka storage yet, starts the server, and returns once a
   * client can talk to the broker.
   *
   * @throws IllegalStateException if the server cannot start or is not ready within the timeout
   */
  public static EmbeddedKafka start(Path dataDir, EmbeddedKafkaOptions options) {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(options, "options");
    int attempts = options.port() == 0 ? PORT_ATTEMPTS : 1;
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(dataDir, options);
      } catch (RuntimeException e) {
        if (attempt >= attempts || !causedByBind(e)) {
          throw e;
        }
        LOG.warn(
            "A picked port was taken before Kafka bound it; retrying with new ports ({})",
            e.toString());
      }
    }
  }

  private static EmbeddedKafka startOnce(Path dataDir, EmbeddedKafkaOptions options) {
    if (options.port() != 0) {
      LoopbackPorts.requireFree(options.port());
    }
    int clientPort = options.port() == 0 ? LoopbackPorts.freePort() : options.port();
    int controllerPort = LoopbackPorts.freePortOtherThan(clientPort);
    int securePort =
        options.secureListener() == null
            ? 0
            : LoopbackPorts.freePortOtherThan(clientPort, controllerPort);
    Properties props =
        SingleNodeBrokerConfig.build(
            dataDir,
            clientPort,
            controllerPort,
            options.startTimeout(),
            options.brokerOverrides(),
            options.secureListener(),
            securePort);
    String clusterId = KraftStorage.formatIfNeeded(SingleNodeBrokerConfig.logDir(dataDir), props);
    String bootstrap = SingleNodeBrokerConfig.HOST + ":" + clientPort;
    String secureBootstrap =
        options.secureListener() == null ? null : SingleNodeBrokerConfig.HOST + ":" + securePort;

    KafkaRaftServer server = null;
    BrokerAdmin admin = null;
    try {
      // doLog=false: the config dump is ~400 lines at INFO; dataDir/server.properties,
      // written by KraftStorage, shows what the server was given.
      server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      server.startup();
      admin = new BrokerAdmin(bootstrap);
      admin.awaitReady(options.startTimeout());
    } catch (RuntimeException e) {
      stopAfterFailedStart(server, admin, e);
      throw new IllegalStateException(
          "Embedded Kafka did not start on "
              + bootstrap
              + " (data dir "
              + dataDir
              + "): "
              + e.getMessage(),
          e);
    }
    LOG.info(
        "Embedded Kafka started: bootstrap servers {}, cluster id {}, data dir {}",
        bootstrap,
        clusterId,
        dataDir);
    return new EmbeddedKafka(server, admin, dataDir, clusterId, bootstrap, secureBootstrap);
  }

  /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:9092}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The {@code bootstrap.servers} of the {@link SecureListener} (TLS, ACLs enforced).
   *
   * @throws IllegalStateException when the broker was started without one
   */
  public String secureBootstrapServers() {
    if (secureBootstrapServers == null) {
      throw new IllegalStateException("this broker has no secure listener (see SecureListener)");
    }
    return secureBootstrapServers;
  }

  /** The KRaft cluster id, stored in the data directory at first start. */
  public String clusterId() {
    return clusterId;
  }

  public Path dataDir() {
    return dataDir;
  }

  /**
   * Creates the topics (name to partition count, one replica each) and waits until every partition
   * has a leader. Topics that already exist are left as they are.
   */
  public void createTopics(Map<String, Integer> topicPartitions) {
    Objects.requireNonNull(topicPartitions, "topicPartitions");
    requireOpen();
    admin.createTopics(topicPartitions);
  }

  /** Shuts the server down cleanly and waits for it. Calling it again does nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      admin.close();
    } finally {
      server.shutdown();
      server.awaitShutdown();
      LOG.info("Embedded Kafka on {} stopped", bootstrapServers);
    }
  }

  private synchronized void requireOpen() {
    if (closed) {
      throw new IllegalStateException("Embedded Kafka on " + bootstrapServers + " is closed");
    }
  }

  private static void stopAfterFailedStart(
      KafkaRaftServer server, BrokerAdmin admin, RuntimeException failure) {
    // The start-up failure is the error worth reporting; anything that goes wrong while
    // tearing down the half-started server is attached to it rather than replacing it.
    try {
      if (admin != null) {
        admin.close();
      }
      if (server != null) {
        server.shutdown();
        server.awaitShutdown();
      }
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private static boolean causedByBind(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }

  /** For diagnostics in logs and test failures. */
  @Override
  public String toString() {
    return "EmbeddedKafka[" + bootstrapServers + ", " + dataDir + "]";
  }
}
