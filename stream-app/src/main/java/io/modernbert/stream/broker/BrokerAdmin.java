package io.modernbert.stream.broker;

import io.modernbert.stream.kafka.TopicAdmin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin-client side of {@link EmbeddedKafka}: readiness checks, and topic creation through
 * {@link TopicAdmin}.
 */
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

  /** Creates the missing topics (one replica each) through the product's topic administrator. */
  void createTopics(Map<String, Integer> topicPartitions) {
    if (topicPartitions.isEmpty()) {
      return;
    }
    List<TopicAdmin.TopicSpec> topics = new ArrayList<>();
    topicPartitions.forEach(
        (name, partitions) ->
            topics.add(
                new TopicAdmin.TopicSpec(name, Optional.of(partitions), Optional.of((short) 1))));
    Map<String, TopicDescription> described =
        new TopicAdmin(admin, bootstrapServers).ensure(topics, TopicAdmin.Mode.CREATE_MISSING);
    topicPartitions.forEach(
        (name, partitions) -> {
          int existing = described.get(name).partitions().size();
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
