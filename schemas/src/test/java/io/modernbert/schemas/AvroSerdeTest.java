package io.modernbert.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
  @Test
  void shouldRoundTripEveryMessageInSingleObjectEncoding() {
    Document document =
        Document.newBuilder()
            .setId("d1")
            .setText("Bonjour")
            .setAttributes(Map.of("lang", "fr"))
            .build();
    Embedding embedding =
        Embedding.newBuilder()
            .setId("d1")
            .setModel("m")
            .setVector(List.of(0.5f, -1f))
            .setDimensions(2)
            .setTokens(4)
            .build();
    Labels labels =
        Labels.newBuilder()
            .setId("d1")
            .setModel("m")
            .setLabels(List.of(new LabelScore("fr", 0.9f), new LabelScore("en", 0.1f)))
            .build();

    assertThat(AvroSerdes.DOCUMENT.decode(AvroSerdes.DOCUMENT.encode(document)))
        .isEqualTo(document);
    assertThat(AvroSerdes.EMBEDDING.decode(AvroSerdes.EMBEDDING.encode(embedding)))
        .isEqualTo(embedding);
    assertThat(AvroSerdes.LABELS.decode(AvroSerdes.LABELS.encode(labels))).isEqualTo(labels);
  }

  @Test
  void shouldStartWithTheSingleObjectMarkerAndTheSchemaFingerprint() {
    byte[] bytes =
        AvroSerdes.DOCUMENT.encode(Document.newBuilder().setId("x").setText("y").build());

    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    long fingerprint = SchemaNormalization.parsingFingerprint64(Document.getClassSchema());
    long written = 0;
    for (int i = 9; i >= 2; i--) {
      written = (written << 8) | (bytes[i] & 0xFF);
    }
    assertThat(written).isEqualTo(fingerprint);
  }

  @Test
  void shouldRejectBytesThatAreNotThisMessage() {
    byte[] embedding =
        AvroSerdes.EMBEDDING.encode(
            Embedding.newBuilder()
                .setId("d")
                .setModel("m")
                .setVector(List.of())
                .setDimensions(0)
                .build());

    assertThatThrownBy(() -> AvroSerdes.DOCUMENT.decode(embedding))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Document");
    assertThatThrownBy(() -> AvroSerdes.DOCUMENT.decode("{\"id\":1}".getBytes()))
        .isInstanceOf(SerializationException.class);
  }

  @Test
  void shouldGiveEveryOptionalFieldADefault() {
    for (Schema schema :
        List.of(
            Document.getClassSchema(),
            Embedding.getClassSchema(),
            Labels.getClassSchema(),
            DeadLetter.getClassSchema())) {
      for (Schema.Field field : schema.getFields()) {
        boolean required =
            List.of(
                    "id",
                    "text",
                    "model",
                    "vector",
                    "dimensions",
                    "labels",
                    "reason",
                    "sourceTopic",
                    "sourcePartition",
                    "sourceOffset",
                    "failedAt")
                .contains(field.name());
        assertThat(required || field.hasDefaultValue())
            .as("%s.%s has a default", schema.getName(), field.name())
            .isTrue();
      }
    }
  }

  @Test
  void recordsOfThePreviousReleaseStillDecode() throws Exception {
    // PendingDocument as the previous release wrote it, with its own (older) schema.
    org.apache.avro.Schema old = AvroSerde.earlierVersions(PendingDocument.getClassSchema()).get(0);
    assertThat(old.getField("key")).as("the older schema has no key field").isNull();
    org.apache.avro.generic.GenericRecord written =
        new org.apache.avro.generic.GenericData.Record(old);
    written.put("id", "doc-7");
    written.put("tokenIds", java.util.List.of(50281, 12092, 50282));
    written.put("truncated", false);
    written.put("arrivedAt", 1_700_000_000_000L);
    written.put("sourceTimestamp", 1_700_000_000_000L);
    written.put("attributes", Map.of());
    written.put("createdAt", null);
    java.nio.ByteBuffer bytes =
        new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
                org.apache.avro.generic.GenericData.get(), old)
            .encode(written);
    byte[] array = new byte[bytes.remaining()];
    bytes.get(array);

    PendingDocument read = AvroSerdes.PENDING_DOCUMENT.decode(array);
    assertThat(read.getId()).isEqualTo("doc-7");
    assertThat(read.getTokenIds()).containsExactly(50281, 12092, 50282);
    assertThat(read.getKey()).isNull();
    assertThat(read.getWindows()).isEmpty();
    assertThat(read.getHeaders()).isEmpty();
    assertThat(AvroSerde.earlierVersions(Embedding.getClassSchema())).hasSize(1);
    assertThat(AvroSerde.earlierVersions(Labels.getClassSchema())).hasSize(1);
  }
}
