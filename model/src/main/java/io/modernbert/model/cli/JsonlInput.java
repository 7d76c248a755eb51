package io.modernbert.model.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modernbert.model.engine.DocumentInput;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads the encode input, one JSON object per line: {@code {"id": ..., "text": "..."}} or {@code
 * {"id": ..., "input_ids": [...]}}. Blank lines are skipped; anything else that is not such an
 * object is an {@link InvalidLineException} naming the line number.
 */
final class JsonlInput {
  private final BufferedReader reader;
  private final ObjectMapper json = new ObjectMapper();
  private long lineNumber;

  /** A document with the JSON id it came with (string or number, echoed unchanged). */
  record Line(long number, JsonNode id, DocumentInput document) {}

  static final class InvalidLineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidLineException(long line, String message) {
      super("input line " + line + ": " + message);
    }
  }

  JsonlInput(BufferedReader reader) {
    this.reader = reader;
  }

  /** The next document, or null at the end of the input. */
  Line next() {
    try {
      String text;
      while ((text = reader.readLine()) != null) {
        lineNumber++;
        if (!text.isBlank()) {
          return parse(text);
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "reading input line " + (lineNumber + 1) + ": " + e.getMessage(), e);
    }
  }

  private Line parse(String text) {
    JsonNode node;
    try {
      node = json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidLineException(lineNumber, "not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (node == null || !node.isObject()) {
      throw new InvalidLineException(
          lineNumber, "expected a JSON object with id and text or input_ids");
    }
    JsonNode id = node.get("id");
    if (id == null || !(id.isTextual() || id.isIntegralNumber())) {
      throw new InvalidLineException(lineNumber, "missing \"id\" (a string or an integer)");
    }
    JsonNode textNode = node.get("text");
    JsonNode idsNode = node.get("input_ids");
    if ((textNode == null) == (idsNode == null)) {
      throw new InvalidLineException(lineNumber, "give exactly one of \"text\" or \"input_ids\"");
    }
    if (textNode != null) {
      if (!textNode.isTextual()) {
        throw new InvalidLineException(lineNumber, "\"text\" must be a string");
      }
      return new Line(lineNumber, id, DocumentInput.text(id.asText(), textNode.asText()));
    }
    if (!idsNode.isArray() || idsNode.isEmpty()) {
      throw new InvalidLineException(
          lineNumber, "\"input_ids\" must be a non-empty array of integers");
    }
    int[] ids = new int[idsNode.size()];
    for (int i = 0; i < ids.length; i++) {
      JsonNode value = idsNode.get(i);
      if (!value.canConvertToInt() || !value.isIntegralNumber()) {
        throw new InvalidLineException(lineNumber, "\"input_ids\"[" + i + "] is not an integer");
      }
      ids[i] = value.asInt();
    }
    return new Line(lineNumber, id, DocumentInput.ids(id.asText(), ids));
  }
}
