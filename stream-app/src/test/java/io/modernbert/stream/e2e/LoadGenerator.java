package io.modernbert.stream.e2e;

import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.Document;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.kafka.KafkaClientConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Documents for the end-to-end tests: lognormal lengths (median 40 words, log-space sigma 0.9) made
 * of real sentences, plus a few known sentences whose language the model must get right.
 */
final class LoadGenerator {
  static final Map<String, String> KNOWN =
      Map.of(
          "known-fr", "Impossible d'ouvrir le fichier de configuration.",
          "known-ja", "設定ファイルを開けませんでした。",
          "known-de", "Die Konfigurationsdatei konnte nicht geöffnet werden.",
          "known-ru", "Не удалось открыть файл конфигурации.");

  private LoadGenerator() {}

  /** {@code count} documents by id, the known ones first. */
  static Map<String, String> documents(int count, long seed) {
    Map<String, String> documents = new LinkedHashMap<>();
    KNOWN.keySet().stream().sorted().forEach(id -> documents.put(id, KNOWN.get(id)));
    Random random = new Random(seed);
    List<String> sentences = StreamFixtures.sentences();
    for (int i = documents.size(); i < count; i++) {
      int words =
          (int)
              Math.max(
                  3,
                  Math.min(3000, Math.round(Math.exp(Math.log(40) + 0.9 * random.nextGaussian()))));
      StringBuilder text = new StringBuilder();
      while (text.toString().split("\\s+").length < words) {
        text.append(sentences.get(random.nextInt(sentences.size()))).append(' ');
      }
      documents.put(String.format("doc-%05d", i), text.toString().trim());
    }
    return documents;
  }

  static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
    return producer(KafkaClientConfig.of(bootstrapServers));
  }

  static KafkaProducer<String, byte[]> producer(KafkaClientConfig kafka) {
    Map<String, Object> props = kafka.common();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  /** Sends raw values (bad input) by key and waits for the acknowledgements. */
  static void sendRaw(String bootstrapServers, String topic, Map<String, byte[]> values)
      throws Exception {
    try (KafkaProducer<String, byte[]> producer = producer(bootstrapServers)) {
      for (Map.Entry<String, byte[]> value : values.entrySet()) {
        producer
            .send(new ProducerRecord<>(topic, value.getKey(), value.getValue()))
            .get(60, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Sends every document, pausing {@code pauseMillis} between them; returns when all are
   * acknowledged.
   */
  static void send(
      String bootstrapServers, String topic, Map<String, String> documents, long pauseMillis)
      throws Exception {
    send(KafkaClientConfig.of(bootstrapServers), topic, documents, pauseMillis);
  }

  /** As above, on a cluster that needs client settings (security). */
  static void send(
      KafkaClientConfig kafka, String topic, Map<String, String> documents, long pauseMillis)
      throws Exception {
    try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      for (Map.Entry<String, String> document : documents.entrySet()) {
        byte[] value =
            AvroSerdes.DOCUMENT.encode(
                Document.newBuilder()
                    .setId(document.getKey())
                    .setText(document.getValue())
                    .build());
        acks.add(producer.send(new ProducerRecord<>(topic, document.getKey(), value)));
        if (pauseMillis > 0) {
          TimeUnit.MILLISECONDS.sleep(pauseMillis);
        }
      }
      for (var ack : acks) {
        ack.get(60, TimeUnit.SECONDS);
      }
    }
  }
}
