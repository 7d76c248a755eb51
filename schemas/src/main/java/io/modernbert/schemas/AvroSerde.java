package io.modernbert.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Records written with an earlier version of a schema still decode: the earlier versions are
 * kept as resources ({@code io/modernbert/schemas/history/<Name>-<n>.avsc}, numbered from 1) and
 * registered with the decoder, which resolves them to the current schema (new fields take their
 * defaults). So an upgraded instance restores the pending documents an older one left in its store,
 * and reads the outputs it wrote.
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
    for (Schema earlier : earlierVersions(schema)) {
      decoder.addSchema(earlier);
    }
  }

  /** The earlier versions of {@code schema} kept as resources, oldest first. */
  static List<Schema> earlierVersions(Schema schema) {
    List<Schema> versions = new ArrayList<>();
    for (int version = 1; ; version++) {
      String resource = "history/" + schema.getName() + "-" + version + ".avsc";
      try (InputStream in = AvroSerde.class.getResourceAsStream(resource)) {
        if (in == null) {
          return versions;
        }
        // Named types the old schema refers to (LabelScore, DeadLetterReason) are the current ones.
        Schema.Parser parser = new Schema.Parser();
        parser.addTypes(namedTypes(schema));
        versions.add(parser.parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + resource, e);
      }
    }
  }

  private static List<Schema> namedTypes(Schema schema) {
    List<Schema> types = new ArrayList<>();
    for (Schema.Field field : schema.getFields()) {
      collect(field.schema(), types);
    }
    return types;
  }

  private static void collect(Schema schema, List<Schema> types) {
    switch (schema.getType()) {
      case RECORD, ENUM, FIXED -> {
        if (!types.contains(schema)) {
          types.add(schema);
          if (schema.getType() == Schema.Type.RECORD) {
            schema.getFields().forEach(field -> collect(field.schema(), types));
          }
        }
      }
      case ARRAY -> collect(schema.getElementType(), types);
      case MAP -> collect(schema.getValueType(), types);
      case UNION -> schema.getTypes().forEach(member -> collect(member, types));
      default -> {}
    }
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
