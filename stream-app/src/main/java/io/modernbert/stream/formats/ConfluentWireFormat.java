package io.modernbert.stream.formats;

import io.modernbert.schemas.DeadLetterReason;
import io.modernbert.stream.errors.InvalidDocumentException;
import java.nio.ByteBuffer;

/**
 * Confluent's wire format for Schema Registry serdes: a zero byte, the schema id as a 4-byte
 * big-endian integer, then the payload (Avro binary, or JSON text for JSON Schema).
 */
final class ConfluentWireFormat {
  static final byte MAGIC = 0;
  static final int HEADER_BYTES = 5;

  private ConfluentWireFormat() {}

  /** The schema id of a wire-format value; a value in another format is the record's fault. */
  static int schemaId(byte[] value) {
    if (value.length < HEADER_BYTES || value[0] != MAGIC) {
      throw new InvalidDocumentException(
          DeadLetterReason.UNDECODABLE,
          "not in Confluent wire format (a zero byte, a 4-byte schema id, then the payload)");
    }
    return ByteBuffer.wrap(value, 1, 4).getInt();
  }

  /** The wire-format header for {@code schemaId}, followed by room for {@code payloadBytes}. */
  static ByteBuffer header(int schemaId, int payloadBytes) {
    return ByteBuffer.allocate(HEADER_BYTES + payloadBytes).put(MAGIC).putInt(schemaId);
  }
}
