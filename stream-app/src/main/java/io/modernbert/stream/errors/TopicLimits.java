package io.modernbert.stream.errors;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The largest record each topic takes ({@code max.message.bytes}, the topic's own or the broker's
 * default), read from the cluster the first time a topic is asked for, then cached. A record the
 * broker refuses fails the producer's transaction under exactly-once whatever the production
 * handler answers, so dead letters and outputs are checked against this before they are sent.
 *
 * <p>The first look-up of a topic blocks the asking stream thread for at most a few seconds; when
 * the limit cannot be read (no DescribeConfigs permission, no broker) it counts as unlimited and
 * only {@code max.request.size} applies.
 */
public final class TopicLimits {
  private static final Logger LOG = LoggerFactory.getLogger(TopicLimits.class);
  private static final int TIMEOUT_MS = 5_000;

  private final Map<String, Object> adminConfigs;
  private final Map<String, Integer> known = new ConcurrentHashMap<>();

  public TopicLimits(Map<String, Object> adminConfigs) {
    this.adminConfigs = new HashMap<>(adminConfigs);
    this.adminConfigs.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    this.adminConfigs.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
  }

  /** For the application's own Streams settings: the same cluster, security and all. */
  public static TopicLimits fromStreamsConfigs(Map<?, ?> configs) {
    return new TopicLimits(new StreamsConfig(configs).getAdminConfigs("modernbert-topic-limits"));
  }

  /** The topic's {@code max.message.bytes}, or {@link Integer#MAX_VALUE} if it cannot be read. */
  public int maxMessageBytes(String topic) {
    Integer cached = known.get(topic);
    if (cached != null) {
      return cached;
    }
    int limit = lookUp(topic);
    known.put(topic, limit);
    return limit;
  }

  private int lookUp(String topic) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try (Admin admin = Admin.create(adminConfigs)) {
      Config config =
          admin
              .describeConfigs(List.of(resource))
              .all()
              .get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
              .get(resource);
      ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      return entry == null || entry.value() == null
          ? Integer.MAX_VALUE
          : Integer.parseInt(entry.value());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Integer.MAX_VALUE;
    } catch (Exception e) {
      LOG.warn(
          "cannot read max.message.bytes of topic {} ({}); only max.request.size bounds its records",
          topic,
          e.toString());
      return Integer.MAX_VALUE;
    }
  }
}
