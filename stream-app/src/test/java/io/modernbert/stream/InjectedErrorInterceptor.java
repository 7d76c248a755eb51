package io.modernbert.stream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Throws an {@link ErrorInjectingMain.InjectedError} from {@code poll} on the stream thread when a
 * record keyed {@value #TRIGGER} arrives: Kafka's interceptor chain contains exceptions, not
 * errors, so it reaches the stream thread as it is.
 */
public final class InjectedErrorInterceptor implements ConsumerInterceptor<byte[], byte[]> {
  public static final String TRIGGER = "inject-error";
  private static final byte[] TRIGGER_BYTES = TRIGGER.getBytes(StandardCharsets.UTF_8);

  @Override
  public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
    for (var record : records) {
      if (record.key() != null && Arrays.equals(record.key(), TRIGGER_BYTES)) {
        throw new ErrorInjectingMain.InjectedError(Thread.currentThread().getName());
      }
    }
    return records;
  }

  @Override
  public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

  @Override
  public void close() {}

  @Override
  public void configure(Map<String, ?> configs) {}
}
