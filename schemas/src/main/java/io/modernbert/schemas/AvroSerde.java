package io.modernbert.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for a generated Avro record in Avro's single-object encoding: 2 marker bytes (0xC3
 * 0x01), the 8-byte CRC-64-AVRO fingerprint of the writer schema, then Avro binary. The message
 * says which schema wrote it, so consumers need no schema registry.
 *
 * <p>Thread-safe: Avro's message encoders and decoders may be shared.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final String typeName;

  public AvroSerde(Class<T> type) {
    Schema schema = SpecificData.get().getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
    this.decoder = new BinaryMessageDecoder<>(SpecificData.get(), schema);
    this.typeName = type.getSimpleName();
  }

  public byte[] encode(T value) {
    try {
      ByteBuffer buffer = encoder.encode(value);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new SerializationException("cannot encode " + typeName + ": " + e.getMessage(), e);
    }
  }

  /** Decodes a single-object encoded {@code T}; any malformed input is a SerializationException. */
  public T decode(byte[] bytes) {
    try {
      return decoder.decode(bytes);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "not a single-object encoded " + typeName + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> value == null ? null : encode(value);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> bytes == null ? null : decode(bytes);
  }
}
