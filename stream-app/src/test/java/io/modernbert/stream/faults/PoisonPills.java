package io.modernbert.stream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.DeadLetter;
import io.modernbert.schemas.Document;
import io.modernbert.stream.ReadCommitted;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.config.AppConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * What every poison-pill test does: a pill, then {@link #GOOD} good documents, which must come out
 * exactly once (read_committed) soon after, with the pill a single dead letter and no stream thread
 * ever replaced.
 */
final class PoisonPills {
  static final int GOOD = 20;

  /** The broker takes records up to this size, as a user's broker may: the pills get through. */
  static final int BROKER_MAX_BYTES = 4 << 20;

  private PoisonPills() {}

  static AppConfig config(String bootstrapServers, Path stateDir, String name) {
    return AppConfig.defaults(bootstrapServers, StreamFixtures.LANGID_MODEL)
        .withApplicationId(name)
        .withTopics(
            new AppConfig.TopicNames(
                name + "-documents", name + "-embeddings", name + "-labels", name + "-dead"))
        .withEngine(StreamFixtures.engineOptions())
        .withStateDir(stateDir.resolve(name));
  }

  /** {@link #GOOD} real sentences as our Avro documents, by id. */
  static Map<String, byte[]> goodDocuments(String prefix) {
    List<String> sentences = StreamFixtures.sentences();
    Map<String, byte[]> documents = new LinkedHashMap<>();
    for (int i = 0; i < GOOD; i++) {
      String id = prefix + "-good-" + i;
      documents.put(
          id,
          AvroSerdes.DOCUMENT.encode(
              Document.newBuilder().setId(id).setText(sentences.get(i)).build()));
    }
    return documents;
  }

  /** Sends the values in order, each acknowledged before the next. */
  static void send(String bootstrapServers, String topic, Map<String, byte[]> values)
      throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, BROKER_MAX_BYTES);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (Map.Entry<String, byte[]> value : values.entrySet()) {
        producer
            .send(new ProducerRecord<>(topic, value.getKey(), value.getValue()))
            .get(60, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Sends the good documents and waits for their embeddings and labels; asserts each came out
   * exactly once and nothing else did; returns the seconds from sending to the last output.
   */
  static double assertGoodDocumentsProcessed(
      String bootstrapServers, AppConfig config, Map<String, byte[]> good, String pill)
      throws Exception {
    long start = System.nanoTime();
    send(bootstrapServers, config.topics().documents(), good);
    return awaitOutputs(bootstrapServers, config, good.keySet(), pill, start);
  }

  /**
   * Waits for one embedding and one labels record per id; asserts each came out exactly once, as
   * did every other output, and no pill did; returns the seconds from {@code start} (nanoTime) to
   * the last output.
   */
  static double awaitOutputs(
      String bootstrapServers,
      AppConfig config,
      java.util.Set<String> ids,
      String pill,
      long start) {
    Map<String, Integer> embeddings = new HashMap<>();
    Map<String, Integer> labels = new HashMap<>();
    double seconds;
    try (KafkaConsumer<String, byte[]> e =
            ReadCommitted.consumer(bootstrapServers, config.topics().embeddings());
        KafkaConsumer<String, byte[]> l =
            ReadCommitted.consumer(bootstrapServers, config.topics().labels())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while ((count(embeddings, ids) < ids.size() || count(labels, ids) < ids.size())
          && System.nanoTime() < deadline) {
        poll(e, embeddings);
        poll(l, labels);
      }
      seconds = (System.nanoTime() - start) / 1e9;
      long quiet = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() < quiet) { // late duplicates would show up here
        poll(e, embeddings);
        poll(l, labels);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "POISON %s: %d of %d good documents processed after the pill in %.1f s%n",
        pill,
        Math.min(count(embeddings, ids), count(labels, ids)),
        ids.size(),
        seconds);
    // Earlier rounds of the same test may have outputs too; pills (keys "pill...", "bomb...")
    // never.
    for (Map<String, Integer> outputs : List.of(embeddings, labels)) {
      assertThat(outputs.keySet()).containsAll(ids);
      assertThat(outputs.keySet())
          .noneMatch(key -> key.startsWith("pill") || key.startsWith("bomb"));
      assertThat(outputs.values()).containsOnly(1);
    }
    return seconds;
  }

  private static int count(Map<String, Integer> counts, java.util.Set<String> ids) {
    return (int) counts.keySet().stream().filter(ids::contains).count();
  }

  private static void poll(KafkaConsumer<String, byte[]> consumer, Map<String, Integer> counts) {
    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
      counts.merge(record.key(), 1, Integer::sum);
    }
  }

  /**
   * Every dead letter on the topic, read_committed, waiting for {@code expected}, then 2 s more.
   */
  static List<DeadLetter> deadLetters(String bootstrapServers, AppConfig config, int expected) {
    return ReadCommitted.records(
            bootstrapServers, config.topics().deadLetters(), expected, Duration.ofSeconds(30))
        .stream()
        .map(record -> AvroSerdes.DEAD_LETTER.decode(record.value()))
        .toList();
  }

  /**
   * The instance runs with the stream threads it started with: a replaced thread would have a
   * higher index in its name ({@code ...-StreamThread-2}).
   */
  static void assertNoThreadReplaced(KafkaStreams streams, int threads) {
    assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
    List<String> names =
        streams.metadataForLocalThreads().stream().map(ThreadMetadata::threadName).toList();
    assertThat(names).hasSize(threads);
    for (String name : names) {
      int index = Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
      assertThat(index).as(name).isBetween(1, threads);
    }
  }
}
