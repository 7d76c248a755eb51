package io.modernbert.stream.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The admin-client side of {@link EmbeddedKafka}: readiness checks and topic creation. */
final class BrokerAdmin implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerAdmin.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

  private final Admin admin;
  private final String bootstrapServers;

  BrokerAdmin(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
    Properties props = new Properties();
    props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin");
    // Short per-request timeouts so that a not-yet-ready broker is retried by awaitReady's
    // loop, which owns the overall deadline, instead of one call eating all of it.
    props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    this.admin = Admin.create(props);
  }

  /** Returns once the broker answers describeCluster and lists itself (i.e. it is unfenced). */
  void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception lastError = null;
    while (System.nanoTime() < deadline) {
      try {
        if (!get(admin.describeCluster().nodes()).isEmpty()) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        lastError = e;
      }
      pause();
    }
    throw new IllegalStateException(
        "broker at "
            + bootstrapServers
            + " was not ready within "
            + timeout
            + (lastError == null ? " (it listed no live broker)" : "; last error: " + lastError),
        lastError);
  }

  void createTopics(Map<String, Integer> topicPartitions) {
    if (topicPartitions.isEmpty()) {
      return;
    }
    List<NewTopic> newTopics = new ArrayList<>();
    topicPartitions.forEach(
        (name, partitions) -> newTopics.add(new NewTopic(name, partitions, (short) 1)));
    Map<String, KafkaFuture<Void>> results = admin.createTopics(newTopics).values();
    for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
      try {
        get(result.getValue());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException(
              "could not create topic " + result.getKey(), e.getCause());
        }
        LOG.debug("Topic {} already exists; keeping it as it is", result.getKey());
      } catch (TimeoutException e) {
        throw new IllegalStateException("creating topic " + result.getKey() + " timed out", e);
      }
    }
    awaitLeaders(topicPartitions);
  }

  /**
   * The controller acknowledges a topic before the broker has loaded it; clients that start right
   * away would first see UNKNOWN_TOPIC_OR_PARTITION. Wait until the broker serves it.
   */
  private void awaitLeaders(Map<String, Integer> topicPartitions) {
    long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
    Exception lastError = null;
    while (System.nanoTime() < deadline) {
      try {
        Map<String, TopicDescription> descriptions =
            get(admin.describeTopics(topicPartitions.keySet()).allTopicNames());
        if (descriptions.values().stream().allMatch(BrokerAdmin::allPartitionsLed)) {
          warnOnPartitionMismatch(topicPartitions, descriptions);
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        lastError = e;
      }
      pause();
    }
    throw new IllegalStateException(
        "topics "
            + topicPartitions.keySet()
            + " got no leader within "
            + CALL_TIMEOUT
            + (lastError == null ? "" : "; last error: " + lastError),
        lastError);
  }

  private static boolean allPartitionsLed(TopicDescription description) {
    return description.partitions().stream()
        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
  }

  private static void warnOnPartitionMismatch(
      Map<String, Integer> wanted, Map<String, TopicDescription> actual) {
    wanted.forEach(
        (name, partitions) -> {
          int existing = actual.get(name).partitions().size();
          if (existing != partitions) {
            LOG.warn(
                "Topic {} already exists with {} partitions, not the {} asked for",
                name,
                existing,
                partitions);
          }
        });
  }

  private <T> T get(KafkaFuture<T> future) throws ExecutionException, TimeoutException {
    try {
      return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while talking to " + bootstrapServers, e);
    }
  }

  private void pause() {
    try {
      Thread.sleep(RETRY_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + bootstrapServers, e);
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
