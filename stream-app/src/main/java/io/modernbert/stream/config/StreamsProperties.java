package io.modernbert.stream.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.modernbert.stream.errors.DeadLetterFactory;
import io.modernbert.stream.errors.DeadLetterHandler;
import io.modernbert.stream.errors.ProcessingDeadLetterHandler;
import io.modernbert.stream.errors.ProductionDeadLetterHandler;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams properties for an {@link AppConfig}; tests and main call the same factory. */
public final class StreamsProperties {
  static final long COMMIT_INTERVAL_MS = 25;
  static final long POLL_MS = 5;

  private StreamsProperties() {}

  public static Properties of(AppConfig config, MeterRegistry meters) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    // Static membership: a restarted instance (same name) takes its tasks back at once, without a
    // rebalance and without waiting for the dead member's session to time out (45 s by default).
    // Kafka Streams appends the stream thread's index to the name.
    props.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
        config.groupInstanceId());
    // Bad input: Kafka's handler mechanism with our envelope, on Kafka's own dead-letter setting.
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterHandler.class.getName());
    // A record that fails in a processor or on its way out is a dead letter too: the default
    // handlers fail the task, and the replaced thread would fail on the same offset forever.
    props.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        ProcessingDeadLetterHandler.class.getName());
    props.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        ProductionDeadLetterHandler.class.getName());
    props.put(
        StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.topics().deadLetters());
    props.put(DeadLetterFactory.METER_REGISTRY_CONFIG, meters);
    // Results become visible to read_committed consumers at the next commit: commit often (each
    // commit is one transaction for all the thread's tasks), and let an idle thread come back from
    // poll soon enough to forward what the scheduler finished (the forwarding punctuation runs
    // between polls).
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
    props.put(StreamsConfig.POLL_MS_CONFIG, POLL_MS);
    // A full scheduler queue blocks the stream thread briefly (back-pressure): allow for it.
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 500);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), 600_000);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // The HTTP API writes documents in transactions; a request whose transaction aborted must not
    // be embedded. Exactly-once reads committed data anyway; this makes at_least_once do so too.
    props.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
    // The user's client settings (security, SASL, SSL, config providers, tuning) over our
    // defaults: Kafka Streams hands them to each of its consumers, producers and its admin client.
    // Then the Streams-only overrides.
    props.putAll(config.kafka().common());
    props.putAll(config.streamsOverrides());
    return props;
  }
}
