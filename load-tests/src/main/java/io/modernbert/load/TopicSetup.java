package io.modernbert.load;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** The input topic before a run: created when missing, checked against the requested partitions. */
final class TopicSetup {
  private static final long TIMEOUT_SECONDS = 30;

  private TopicSetup() {}

  /**
   * Creates {@code topic} when it does not exist, with {@code partitions} (or the broker's default
   * when null), and warns when it exists with another count: the run still goes ahead, because the
   * service may have created it on purpose. Returns the topic's partition count.
   */
  static int ensure(Admin admin, String topic, Integer partitions, PrintWriter err)
      throws Exception {
    Optional<TopicDescription> existing = describe(admin, topic);
    if (existing.isPresent()) {
      int actual = existing.get().partitions().size();
      if (partitions != null && partitions != actual) {
        err.printf(
            "load: warning: topic %s exists with %d partitions, not the %d requested; using it as it is%n",
            topic, actual, partitions);
      }
      return actual;
    }
    NewTopic request = new NewTopic(topic, Optional.ofNullable(partitions), Optional.empty());
    try {
      admin.createTopics(List.of(request)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      err.printf(
          "load: created topic %s%s%n",
          topic, partitions == null ? "" : " with " + partitions + " partitions");
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e; // another client creating it at the same moment is fine; anything else is not
      }
    }
    return describe(admin, topic)
        .orElseThrow(() -> new IllegalStateException("topic " + topic + " was not created"))
        .partitions()
        .size();
  }

  /** The topic's description, or empty when it does not exist. */
  static Optional<TopicDescription> describe(Admin admin, String topic)
      throws InterruptedException, TimeoutException, ExecutionException {
    try {
      return Optional.of(
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
              .get(topic));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
