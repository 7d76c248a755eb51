package io.modernbert.stream;

import io.modernbert.schemas.AvroSerdes;
import io.modernbert.stream.kafka.KafkaOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tail}: print an output topic's records as JSON lines (read_committed), for people. */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = "Print the records of an output topic as JSON lines.")
final class TailCommand implements Callable<Integer> {
  @Option(
      names = "--bootstrap-servers",
      defaultValue = "localhost:9092",
      description = "Kafka (default ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Mixin KafkaOptions kafkaOptions;

  @Option(
      names = "--topic",
      defaultValue = "labels",
      description = "embeddings, labels or documents-dead-letters (default ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--from-beginning",
      negatable = true,
      defaultValue = "true",
      description = "Start at the earliest record (default true).")
  boolean fromBeginning;

  @Option(
      names = "--max-records",
      defaultValue = "0",
      description = "Stop after this many records (default 0: run until Ctrl-C).")
  long maxRecords;

  @Override
  public Integer call() {
    Function<byte[], Object> decode =
        topic.contains("dead")
            ? AvroSerdes.DEAD_LETTER::decode
            : topic.contains("label") ? AvroSerdes.LABELS::decode : AvroSerdes.EMBEDDING::decode;
    Map<String, Object> props =
        kafkaOptions
            .clientConfig(bootstrapServers)
            .consumer(
                "modernbert-tail",
                Map.of(
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest"),
                Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG,
                    "modernbert-tail-" + UUID.randomUUID(),
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "read_committed"));
    long printed = 0;
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      while (maxRecords == 0 || printed < maxRecords) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          System.out.println(decode.apply(record.value()));
          printed++;
        }
        System.out.flush();
      }
    }
    return 0;
  }
}
