package io.modernbert.stream.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.DeadLetter;
import io.modernbert.schemas.DeadLetterReason;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class DeadLetterFactoryTest {
  private static final DeadLetterFactory.Source SOURCE =
      new DeadLetterFactory.Source("documents", 3, 42, 1_000);

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  /** A cluster that cannot be asked: only max.request.size bounds the letters. */
  private DeadLetterFactory factory(int maxRecordBytes) {
    return new DeadLetterFactory(
        "dead",
        "app",
        meters,
        maxRecordBytes,
        new TopicLimits(Map.of("bootstrap.servers", "unused:9092")));
  }

  @Test
  void shouldKeepABoundedPrefixOfTheValueAndItsWholeSize() {
    byte[] value = new byte[3 << 20];
    Arrays.fill(value, (byte) 7);
    byte[] key = new byte[100_000];

    List<ProducerRecord<byte[], byte[]>> records =
        factory(1 << 20)
            .records(DeadLetterReason.UNDECODABLE, "x".repeat(50_000), SOURCE, key, value);

    assertThat(records).hasSize(1);
    assertThat(records.get(0).topic()).isEqualTo("dead");
    assertThat(records.get(0).key()).hasSize(DeadLetterFactory.KEY_PREFIX_BYTES);
    DeadLetter letter = AvroSerdes.DEAD_LETTER.decode(records.get(0).value());
    assertThat(letter.getValue().remaining()).isEqualTo(DeadLetterFactory.VALUE_PREFIX_BYTES);
    assertThat(letter.getValueSize()).isEqualTo(3L << 20);
    assertThat(letter.getDetail()).hasSizeLessThan(DeadLetterFactory.DETAIL_CHARS + 10);
    assertThat(letter.getSourceTopic()).isEqualTo("documents");
    assertThat(letter.getSourcePartition()).isEqualTo(3);
    assertThat(letter.getSourceOffset()).isEqualTo(42);
    assertThat(letter.getApplication()).isEqualTo("app");
    assertThat(records.get(0).value().length).isLessThan(20_000);
    assertThat(meters.counter("modernbert.dead.letters", "reason", "UNDECODABLE").count())
        .isEqualTo(1.0);
  }

  @Test
  void shouldDropTheValuePrefixWhenOnlyTheEnvelopeFits() {
    Optional<DeadLetter> letter =
        factory(4096)
            .letter(DeadLetterReason.TOO_LARGE, "too large", SOURCE, null, new byte[50_000]);

    assertThat(letter).isPresent();
    assertThat(letter.get().getValue()).isNull();
    assertThat(letter.get().getValueSize()).isEqualTo(50_000L);
  }

  @Test
  void shouldSkipAndCountALetterThatCannotBeWrittenAtAll() {
    List<ProducerRecord<byte[], byte[]>> records =
        factory(512).records(DeadLetterReason.UNDECODABLE, "junk", SOURCE, null, new byte[10]);

    assertThat(records).isEmpty();
    assertThat(meters.counter("modernbert.dead.letters.unwritable").count()).isEqualTo(1.0);
    assertThat(meters.counter("modernbert.dead.letters", "reason", "UNDECODABLE").count()).isZero();
  }
}
