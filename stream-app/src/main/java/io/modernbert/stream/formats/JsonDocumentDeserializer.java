package io.modernbert.stream.formats;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modernbert.schemas.DeadLetterReason;
import io.modernbert.schemas.Document;
import io.modernbert.stream.errors.InvalidDocumentException;
import java.io.IOException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * {@code --input-format json}: the record value is a JSON object; the text is the string at the
 * {@code --text-field} JSON Pointer (e.g. {@code /body/text}), the id the string or number at
 * {@code --id-field}, or, without one, the record key (the returned id is then empty and the
 * processor takes the key). Anything else is a dead letter with its reason.
 */
public final class JsonDocumentDeserializer implements Deserializer<Document> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JsonPointer text;
  private final JsonPointer id;
  private final int maxTextBytes;

  public JsonDocumentDeserializer(String textPointer, String idPointer, int maxTextBytes) {
    this.text = JsonPointer.compile(textPointer);
    this.id = idPointer == null ? null : JsonPointer.compile(idPointer);
    this.maxTextBytes = maxTextBytes;
  }

  @Override
  public Document deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      throw new InvalidDocumentException(
          DeadLetterReason.MISSING_TEXT, "null value (tombstone): no document");
    }
    // Decoded strictly first: Jackson would replace invalid UTF-8 inside strings silently.
    String json = TextValues.utf8(bytes, "value");
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new InvalidDocumentException(
          DeadLetterReason.UNDECODABLE, "not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidDocumentException(DeadLetterReason.UNDECODABLE, "not a JSON object");
    }
    JsonNode textNode = root.at(text);
    if (!textNode.isTextual()) {
      throw new InvalidDocumentException(
          DeadLetterReason.MISSING_TEXT,
          textNode.isMissingNode()
              ? "no text at " + text
              : "the value at " + text + " is not a string");
    }
    String documentId = "";
    if (id != null) {
      JsonNode idNode = root.at(id);
      if (!(idNode.isTextual() || idNode.isIntegralNumber()) || idNode.asText().isBlank()) {
        throw new InvalidDocumentException(
            DeadLetterReason.MISSING_ID, "no string or integer id at " + id);
      }
      documentId = idNode.asText();
    }
    return Document.newBuilder()
        .setId(documentId)
        .setText(TextValues.checked(textNode.asText(), maxTextBytes))
        .build();
  }
}
