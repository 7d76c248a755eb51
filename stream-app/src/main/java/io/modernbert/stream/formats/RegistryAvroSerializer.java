package io.modernbert.stream.formats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@code --output-format registry-avro}: our output records in Confluent wire format, their schema
 * registered under the topic's {@code <topic>-value} subject (TopicNameStrategy, what Confluent's
 * serializers do by default) on first use, so any Schema Registry consumer reads them.
 */
public final class RegistryAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
  private final SchemaRegistryClient registry;

  /** Schema id by topic: the record type is fixed, so each topic registers once. */
  private final Map<String, Integer> ids = new ConcurrentHashMap<>();

  private volatile SpecificDatumWriter<T>
      writer; // stateless once built: shared by the stream threads

  public RegistryAvroSerializer(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    // Not computeIfAbsent: a registry outage must throw to the caller, not poison the map.
    Integer id = ids.get(topic);
    if (id == null) {
      id = registry.register(topic + "-value", "AVRO", record.getSchema().toString());
      ids.put(topic, id);
    }
    if (writer == null) {
      writer = new SpecificDatumWriter<>(record.getSchema());
    }
    try {
      ByteArrayOutputStream payload = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(payload, null);
      writer.write(record, encoder);
      encoder.flush();
      return ConfluentWireFormat.header(id, payload.size()).put(payload.toByteArray()).array();
    } catch (IOException e) {
      throw new SerializationException(
          "cannot write " + record.getSchema().getFullName() + " as Avro", e);
    }
  }
}
