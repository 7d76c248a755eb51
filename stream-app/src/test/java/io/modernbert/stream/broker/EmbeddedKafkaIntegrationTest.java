package io.modernbert.stream.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class EmbeddedKafkaIntegrationTest {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path dataDir;

  @Test
  void shouldDeliverCommittedTransactionToReadCommittedConsumer() {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
      kafka.createTopics(Map.of("texts", 3));

      produceInOneTransaction(kafka, "texts", "tx-commit", 100, true);

      assertThat(values(readToEnd(kafka, "texts", IsolationLevel.READ_COMMITTED)))
          .containsExactlyInAnyOrderElementsOf(expectedValues("tx-commit", 100));
    }
  }

  @Test
  void shouldKeepTopicsAndRecordsWhenRestartedOnSameDataDir() {
    String firstBootstrap;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
      firstBootstrap = kafka.bootstrapServers();
      kafka.createTopics(Map.of("durable", 2));
      produceInOneTransaction(kafka, "durable", "tx-durable", 100, true);
    }

    try (EmbeddedKafka restarted = EmbeddedKafka.start(dataDir)) {
      // Existing topics are fine: createTopics is safe to call on every start.
      restarted.createTopics(Map.of("durable", 2));

      assertThat(restarted.bootstrapServers()).isNotBlank();
      assertThat(values(readToEnd(restarted, "durable", IsolationLevel.READ_COMMITTED)))
          .as("records written through %s", firstBootstrap)
          .containsExactlyInAnyOrderElementsOf(expectedValues("tx-durable", 100));
    }
  }

  @Test
  void shouldHideAbortedTransactionFromReadCommittedConsumer() {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
      kafka.createTopics(Map.of("mixed", 1));

      produceInOneTransaction(kafka, "mixed", "tx-abort", 10, false);
      produceInOneTransaction(kafka, "mixed", "tx-after-abort", 5, true);

      assertThat(values(readToEnd(kafka, "mixed", IsolationLevel.READ_COMMITTED)))
          .containsExactlyElementsOf(expectedValues("tx-after-abort", 5));
      // The aborted records were written, and only the isolation level hides them.
      assertThat(readToEnd(kafka, "mixed", IsolationLevel.READ_UNCOMMITTED)).hasSize(15);
    }
  }

  @Test
  void shouldRunExactlyOnceStreamsApplication(@TempDir Path stateDir) {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
      kafka.createTopics(Map.of("in", 2, "out", 2));
      produceInOneTransaction(kafka, "in", "tx-input", 20, true);

      StreamsBuilder builder = new StreamsBuilder();
      builder.<String, String>stream("in").mapValues(v -> v.toUpperCase()).to("out");
      try (KafkaStreams streams =
          new KafkaStreams(builder.build(), streamsProps(kafka, stateDir))) {
        streams.start();

        List<String> expected =
            expectedValues("tx-input", 20).stream().map(String::toUpperCase).toList();
        assertThat(values(readAtLeast(kafka, "out", expected.size())))
            .containsExactlyInAnyOrderElementsOf(expected);
      }
    }
  }

  @Test
  void shouldListenOnRequestedFixedPort() {
    int port = LoopbackPorts.freePort();

    try (EmbeddedKafka kafka =
        EmbeddedKafka.start(dataDir, EmbeddedKafkaOptions.defaults().withPort(port))) {
      assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
    }
  }

  @Test
  void shouldFailWithClearErrorWhenFixedPortIsTaken() throws IOException {
    try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      EmbeddedKafkaOptions options =
          EmbeddedKafkaOptions.defaults().withPort(squatter.getLocalPort());

      assertThatThrownBy(() -> EmbeddedKafka.start(dataDir, options))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("127.0.0.1:" + squatter.getLocalPort())
          .hasRootCauseInstanceOf(BindException.class);
    }
  }

  private static Properties streamsProps(EmbeddedKafka kafka, Path stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "embedded-kafka-eos-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    return props;
  }

  private static void produceInOneTransaction(
      EmbeddedKafka kafka, String topic, String transactionalId, int count, boolean commit) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      producer.initTransactions();
      producer.beginTransaction();
      for (String value : expectedValues(transactionalId, count)) {
        producer.send(new ProducerRecord<>(topic, value, value));
      }
      producer.flush();
      if (commit) {
        producer.commitTransaction();
      } else {
        producer.abortTransaction();
      }
    }
  }

  /**
   * Reads until the consumer's position reaches the end offsets as seen at its isolation level (the
   * last stable offset for read_committed), so "nothing more" is proven, not timed out.
   */
  private static List<ConsumerRecord<String, String>> readToEnd(
      EmbeddedKafka kafka, String topic, IsolationLevel isolation) {
    try (KafkaConsumer<String, String> consumer = consumer(kafka, isolation)) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        assertThat(System.nanoTime()).as("reading %s to %s", topic, end).isLessThan(deadline);
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
      return records;
    }
  }

  /** For output written concurrently (by Kafka Streams), where the end keeps moving. */
  private static List<ConsumerRecord<String, String>> readAtLeast(
      EmbeddedKafka kafka, String topic, int count) {
    try (KafkaConsumer<String, String> consumer = consumer(kafka, IsolationLevel.READ_COMMITTED)) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      while (records.size() < count) {
        assertThat(System.nanoTime())
            .as("waiting for %d records on %s", count, topic)
            .isLessThan(deadline);
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
      return records;
    }
  }

  private static KafkaConsumer<String, String> consumer(
      EmbeddedKafka kafka, IsolationLevel isolation) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.name().toLowerCase(Locale.ROOT));
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    return new KafkaConsumer<>(props);
  }

  private static List<TopicPartition> partitions(
      KafkaConsumer<String, String> consumer, String topic) {
    return consumer.partitionsFor(topic).stream()
        .map(info -> new TopicPartition(topic, info.partition()))
        .collect(Collectors.toList());
  }

  private static List<String> values(List<ConsumerRecord<String, String>> records) {
    return records.stream().map(ConsumerRecord::value).toList();
  }

  /** The values that {@link #produceInOneTransaction} writes: distinct per transaction. */
  private static List<String> expectedValues(String transactionalId, int count) {
    List<String> values = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      values.add(transactionalId + "-" + i);
    }
    return values;
  }
}
