package io.modernbert.stream.formats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@code --output-format json}: an output record as a plain JSON object with the fields of its Avro
 * schema ({@code schemas/src/main/avro}): strings, numbers, booleans, arrays and objects as
 * themselves, timestamps as ISO-8601 strings, bytes as base64, null as null. Not Avro's own JSON
 * encoding, which wraps union values ({@code {"long": 1}}); this is what JSON consumers expect.
 */
public final class JsonRecordSerializer<T extends SpecificRecord> implements Serializer<T> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    try {
      return JSON.writeValueAsBytes(toJson(record));
    } catch (JsonProcessingException e) {
      throw new SerializationException(
          "cannot write " + record.getSchema().getFullName() + " as JSON", e);
    }
  }

  static ObjectNode toJson(SpecificRecord record) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      node.set(field.name(), value(record.get(field.pos())));
    }
    return node;
  }

  private static JsonNode value(Object value) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (value == null) {
      return nodes.nullNode();
    } else if (value instanceof SpecificRecord nested) {
      return toJson(nested);
    } else if (value instanceof CharSequence || value instanceof Enum<?>) {
      return nodes.textNode(value.toString());
    } else if (value instanceof Boolean b) {
      return nodes.booleanNode(b);
    } else if (value instanceof Integer i) {
      return nodes.numberNode(i);
    } else if (value instanceof Long l) {
      return nodes.numberNode(l);
    } else if (value instanceof Float f) {
      return nodes.numberNode(f);
    } else if (value instanceof Double d) {
      return nodes.numberNode(d);
    } else if (value instanceof Instant instant) {
      return nodes.textNode(instant.toString());
    } else if (value instanceof ByteBuffer bytes) {
      byte[] copy = new byte[bytes.remaining()];
      bytes.duplicate().get(copy);
      return nodes.textNode(Base64.getEncoder().encodeToString(copy));
    } else if (value instanceof List<?> list) {
      ArrayNode array = nodes.arrayNode();
      list.forEach(item -> array.add(value(item)));
      return array;
    } else if (value instanceof Map<?, ?> map) {
      ObjectNode object = nodes.objectNode();
      map.forEach((key, item) -> object.set(key.toString(), value(item)));
      return object;
    }
    throw new SerializationException("no JSON form for a " + value.getClass().getName());
  }
}
