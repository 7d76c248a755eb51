package io.modernbert.stream.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The server properties of a combined broker+controller that is the whole cluster.
 *
 * <p>Keys are spelled as strings, the documented contract of {@code server.properties}, rather than
 * taken from Kafka's internal constant classes, which move between releases.
 */
final class SingleNodeBrokerConfig {

  static final int NODE_ID = 1;
  static final String HOST = "127.0.0.1";
  static final String CLIENT_LISTENER = "PLAINTEXT";
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  static final String SECURE_LISTENER = "SECURED";

  /** Sub-directory of the caller's data directory; keeps Kafka's log dir free of foreign files. */
  static final String LOG_DIR_NAME = "kraft-combined-logs";

  private SingleNodeBrokerConfig() {}

  static Path logDir(Path dataDir) {
    return dataDir.toAbsolutePath().resolve(LOG_DIR_NAME);
  }

  static Properties build(
      Path dataDir,
      int clientPort,
      int controllerPort,
      Duration startTimeout,
      Map<String, String> overrides,
      SecureListener secure,
      int securePort) {
    Properties props = new Properties();
    props.setProperty("process.roles", "broker,controller");
    props.setProperty("node.id", Integer.toString(NODE_ID));
    // A static voter set (kraft.version 0) rather than a dynamic quorum: the controller's
    // address then lives only in this config, not in the metadata log, so a restart may pick
    // a different free controller port without orphaning the stored quorum.
    props.setProperty("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    props.setProperty("controller.listener.names", CONTROLLER_LISTENER);
    props.setProperty("inter.broker.listener.name", CLIENT_LISTENER);
    props.setProperty(
        "listeners",
        CLIENT_LISTENER
            + "://"
            + HOST
            + ":"
            + clientPort
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + HOST
            + ":"
            + controllerPort);
    props.setProperty("advertised.listeners", CLIENT_LISTENER + "://" + HOST + ":" + clientPort);
    props.setProperty(
        "listener.security.protocol.map",
        CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    if (secure != null) {
      addSecureListener(props, secure, securePort);
    }
    props.setProperty("log.dirs", logDir(dataDir).toString());
    // Bounds the broker's own wait for metadata catch-up and unfencing, so a stuck start-up
    // fails instead of blocking start() forever.
    props.setProperty("server.max.startup.time.ms", Long.toString(startTimeout.toMillis()));

    // One node: every internal topic must be satisfiable with a single replica, otherwise
    // consumer groups, transactions (and so exactly_once_v2) never get their coordinators.
    props.setProperty("offsets.topic.replication.factor", "1");
    props.setProperty("offsets.topic.num.partitions", "5");
    props.setProperty("transaction.state.log.replication.factor", "1");
    props.setProperty("transaction.state.log.min.isr", "1");
    props.setProperty("transaction.state.log.num.partitions", "5");
    props.setProperty("share.coordinator.state.topic.replication.factor", "1");
    props.setProperty("share.coordinator.state.topic.min.isr", "1");
    props.setProperty("default.replication.factor", "1");
    props.setProperty("min.insync.replicas", "1");
    props.setProperty("num.partitions", "1");
    // Topics are created on purpose (createTopics, Kafka Streams' internal topics): a typo in
    // a topic name should fail, not silently create an empty topic.
    props.setProperty("auto.create.topics.enable", "false");
    // Nobody else is going to join: don't hold the first rebalance for 3 s.
    props.setProperty("group.initial.rebalance.delay.ms", "0");

    // Footprint for a laptop or a 2-core CI box: few threads, small segments, and a small
    // log-cleaner buffer (the default allocates 128 MiB of heap up front).
    props.setProperty("num.network.threads", "2");
    props.setProperty("num.io.threads", "2");
    props.setProperty("background.threads", "2");
    props.setProperty("num.recovery.threads.per.data.dir", "1");
    props.setProperty("log.cleaner.threads", "1");
    props.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
    props.setProperty("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
    props.setProperty("offsets.topic.segment.bytes", Integer.toString(16 * 1024 * 1024));
    props.setProperty("transaction.state.log.segment.bytes", Integer.toString(16 * 1024 * 1024));

    overrides.forEach(props::setProperty);
    return props;
  }

  /**
   * The TLS listener beside the plaintext one, and ACLs for every listener: StandardAuthorizer,
   * nothing allowed without an ACL, super users for the listener's administrator and the plaintext
   * listener's anonymous principal (the broker's own admin client and the controller).
   */
  private static void addSecureListener(Properties props, SecureListener secure, int port) {
    String protocol = secure.protocol().name();
    props.setProperty(
        "listeners",
        props.getProperty("listeners") + "," + SECURE_LISTENER + "://" + HOST + ":" + port);
    props.setProperty(
        "advertised.listeners",
        props.getProperty("advertised.listeners")
            + ","
            + SECURE_LISTENER
            + "://"
            + HOST
            + ":"
            + port);
    props.setProperty(
        "listener.security.protocol.map",
        props.getProperty("listener.security.protocol.map")
            + ","
            + SECURE_LISTENER
            + ":"
            + protocol);
    String prefix = "listener.name." + SECURE_LISTENER.toLowerCase(Locale.ROOT) + ".";
    props.setProperty(prefix + "ssl.keystore.type", "PKCS12");
    props.setProperty(prefix + "ssl.keystore.location", secure.keyStore().toString());
    props.setProperty(prefix + "ssl.keystore.password", secure.password());
    props.setProperty(prefix + "ssl.key.password", secure.password());
    props.setProperty(prefix + "ssl.truststore.type", "PKCS12");
    props.setProperty(prefix + "ssl.truststore.location", secure.trustStore().toString());
    props.setProperty(prefix + "ssl.truststore.password", secure.password());
    if (secure.protocol() == SecureListener.Protocol.SASL_SSL) {
      props.setProperty(prefix + "sasl.enabled.mechanisms", "SCRAM-SHA-512");
      props.setProperty(
          prefix + "scram-sha-512.sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    } else {
      props.setProperty(prefix + "ssl.client.auth", "required");
      // The principal of a client certificate is its CN (User:svc), not the whole DN.
      props.setProperty("ssl.principal.mapping.rules", "RULE:^CN=([^,]+).*$/$1/,DEFAULT");
    }
    props.setProperty(
        "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    props.setProperty("allow.everyone.if.no.acl.found", "false");
    props.setProperty("super.users", "User:ANONYMOUS;" + secure.superUser());
  }
}
