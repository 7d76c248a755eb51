package io.modernbert.stream;

import io.modernbert.stream.kafka.KafkaClientConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * How the tests read topics: as a downstream consumer would, read_committed, from the beginning.
 */
public final class ReadCommitted {
  private ReadCommitted() {}

  /** A consumer in a group of its own, subscribed to {@code topic} from its first record. */
  public static KafkaConsumer<String, byte[]> consumer(String bootstrapServers, String topic) {
    return consumer(KafkaClientConfig.of(bootstrapServers), topic);
  }

  /** As above, on a cluster that needs client settings (security). */
  public static KafkaConsumer<String, byte[]> consumer(KafkaClientConfig kafka, String topic) {
    Map<String, Object> props = kafka.common();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  /**
   * Every record of {@code topic}, polling until {@code expected} have come or {@code timeout}
   * passed, then 2 s more, so that a late duplicate or an unexpected extra record would be seen.
   */
  public static List<ConsumerRecord<String, byte[]>> records(
      String bootstrapServers, String topic, int expected, Duration timeout) {
    return records(KafkaClientConfig.of(bootstrapServers), topic, expected, timeout);
  }

  /** As above, on a cluster that needs client settings (security). */
  public static List<ConsumerRecord<String, byte[]>> records(
      KafkaClientConfig kafka, String topic, int expected, Duration timeout) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer(kafka, topic)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      long quiet = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() < quiet) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }
}
