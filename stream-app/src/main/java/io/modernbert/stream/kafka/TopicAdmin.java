package io.modernbert.stream.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The product's one topic administrator: the service's start, the embedded broker and the load tool
 * all create or check their topics here.
 *
 * <p>Topics may belong to a platform team: {@link Mode#VERIFY} only checks that they exist (and
 * fails naming every missing one), {@link Mode#CREATE_MISSING} creates those that do not exist and
 * never touches the others, so a principal without CREATE rights works as long as the topics are
 * there. Either way it returns once every partition has a leader: the controller acknowledges a new
 * topic before the broker serves it, and a client that starts at once would first see
 * UNKNOWN_TOPIC_OR_PARTITION.
 */
public final class TopicAdmin implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

  /** What to do about a topic that does not exist. */
  public enum Mode {
    CREATE_MISSING,
    VERIFY
  }

  /**
   * One topic the caller needs.
   *
   * @param name the topic
   * @param partitions partitions when it is created (empty: the cluster's {@code num.partitions})
   * @param replicationFactor replicas when it is created (empty: the cluster's {@code
   *     default.replication.factor}, never a silent 1 on a real cluster)
   */
  public record TopicSpec(
      String name, Optional<Integer> partitions, Optional<Short> replicationFactor) {
    public TopicSpec {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a topic name is empty");
      }
    }

    NewTopic newTopic() {
      return new NewTopic(name, partitions, replicationFactor);
    }
  }

  private final Admin admin;
  private final String cluster;
  private final boolean ownsAdmin;

  /** An administrator with its own Admin client, closed with it. */
  public TopicAdmin(KafkaClientConfig kafka, String clientId) {
    this(kafka.createAdmin(clientId), kafka.bootstrapServers(), true);
  }

  /** An administrator over the caller's Admin client, which the caller closes. */
  public TopicAdmin(Admin admin, String cluster) {
    this(admin, cluster, false);
  }

  private TopicAdmin(Admin admin, String cluster, boolean ownsAdmin) {
    this.admin = admin;
    this.cluster = cluster;
    this.ownsAdmin = ownsAdmin;
  }

  /**
   * Makes sure every topic exists (creating the missing ones in one request with {@link
   * Mode#CREATE_MISSING}) and is served, and returns their descriptions, in the order given, with
   * this principal's authorized operations.
   *
   * @throws IllegalStateException naming each missing topic ({@link Mode#VERIFY}), a topic this
   *     principal may not see or create, or the cluster when it does not answer in time
   */
  public Map<String, TopicDescription> ensure(List<TopicSpec> topics, Mode mode) {
    Map<String, TopicSpec> wanted = new LinkedHashMap<>();
    topics.forEach(topic -> wanted.putIfAbsent(topic.name(), topic));
    List<String> missing = missing(wanted.keySet().stream().toList());
    if (!missing.isEmpty()) {
      if (mode == Mode.VERIFY) {
        throw new IllegalStateException(
            "missing topic"
                + (missing.size() > 1 ? "s " : " ")
                + String.join(", ", missing)
                + " on "
                + cluster
                + " (topics are not created with --no-create-topics: create them, or start without it)");
      }
      create(missing.stream().map(wanted::get).toList());
    }
    return awaitLeaders(List.copyOf(wanted.keySet()));
  }

  /** The topic's description, or empty when it does not exist. */
  public Optional<TopicDescription> describe(String topic) {
    return missing(List.of(topic)).isEmpty()
        ? Optional.of(awaitLeaders(List.of(topic)).get(topic))
        : Optional.empty();
  }

  private List<String> missing(List<String> names) {
    Map<String, KafkaFuture<TopicDescription>> described =
        admin.describeTopics(names).topicNameValues();
    List<String> missing = new ArrayList<>();
    List<String> hidden = new ArrayList<>();
    for (String name : names) {
      try {
        get(described.get(name), "describing topic " + name);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UnknownTopicOrPartitionException) {
          missing.add(name);
        } else if (e.getCause() instanceof TopicAuthorizationException) {
          hidden.add(name); // Kafka does not tell a forbidden topic from a missing one
        } else {
          throw failure("cannot describe topic " + name, e.getCause());
        }
      }
    }
    if (!hidden.isEmpty()) {
      throw new IllegalStateException(
          "the Kafka principal may not see topic"
              + (hidden.size() > 1 ? "s " : " ")
              + String.join(", ", hidden)
              + " on "
              + cluster
              + ": either they do not exist, or it lacks DESCRIBE (and READ or WRITE) on them");
    }
    return missing;
  }

  private void create(List<TopicSpec> topics) {
    // One request for all: a start is one round trip to the controller, not one per topic.
    Map<String, KafkaFuture<Void>> created =
        admin.createTopics(topics.stream().map(TopicSpec::newTopic).toList()).values();
    for (TopicSpec topic : topics) {
      try {
        get(created.get(topic.name()), "creating topic " + topic.name());
        LOG.info(
            "Created topic {}{} on {}",
            topic.name(),
            topic.partitions().map(p -> " with " + p + " partitions").orElse(""),
            cluster);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          // another instance creating it at the same moment is fine; anything else is not
          throw failure("cannot create topic " + topic.name(), e.getCause());
        }
      }
    }
  }

  private Map<String, TopicDescription> awaitLeaders(List<String> names) {
    long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
    Throwable lastError = null;
    while (System.nanoTime() < deadline) {
      try {
        Map<String, TopicDescription> described =
            get(
                admin
                    .describeTopics(
                        names, new DescribeTopicsOptions().includeAuthorizedOperations(true))
                    .allTopicNames(),
                "describing topics " + names);
        if (described.values().stream().allMatch(TopicAdmin::allPartitionsLed)) {
          Map<String, TopicDescription> ordered = new LinkedHashMap<>();
          names.forEach(name -> ordered.put(name, described.get(name)));
          return ordered;
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TopicAuthorizationException) {
          throw failure("cannot describe topics " + names, e.getCause());
        }
        lastError = e.getCause();
      }
      pause();
    }
    throw new IllegalStateException(
        "topics "
            + names
            + " on "
            + cluster
            + " got no leader within "
            + CALL_TIMEOUT.toSeconds()
            + " s"
            + (lastError == null ? "" : "; last error: " + lastError),
        lastError);
  }

  private static boolean allPartitionsLed(TopicDescription description) {
    return description.partitions().stream()
        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
  }

  /** A failure whose message says which permission is missing when that is the cause. */
  private IllegalStateException failure(String what, Throwable cause) {
    String reason = KafkaPermissions.explain(cause).orElse(cause.getMessage());
    return new IllegalStateException(what + " on " + cluster + ": " + reason, cause);
  }

  private <T> T get(KafkaFuture<T> future, String what) throws ExecutionException {
    try {
      return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          what + ": no answer from " + cluster + " within " + CALL_TIMEOUT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + what, e);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(RETRY_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for topic leaders", e);
    }
  }

  @Override
  public void close() {
    if (ownsAdmin) {
      admin.close(Duration.ofSeconds(5));
    }
  }
}
