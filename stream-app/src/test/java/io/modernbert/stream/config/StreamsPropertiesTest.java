package io.modernbert.stream.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What Kafka Streams makes of our properties, resolved by its own StreamsConfig. */
class StreamsPropertiesTest {
  @ParameterizedTest
  @ValueSource(strings = {StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE})
  void shouldReadOnlyCommittedDocumentsUnderEitherGuarantee(String guarantee) {
    AppConfig config =
        AppConfig.defaults("localhost:9092", Path.of("models/langid-modernbert"))
            .withProcessingGuarantee(guarantee);
    StreamsConfig streams =
        new StreamsConfig(StreamsProperties.of(config, new SimpleMeterRegistry()));

    java.util.Map<String, Object> mainConsumer =
        streams.getMainConsumerConfigs("group", "client", 0);

    assertThat(mainConsumer.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG)).isEqualTo("read_committed");
  }
}
