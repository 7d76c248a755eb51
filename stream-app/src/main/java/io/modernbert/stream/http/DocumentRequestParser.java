package io.modernbert.stream.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modernbert.schemas.Document;
import io.modernbert.stream.errors.InputLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the body of {@code POST /v1/documents}: one JSON object, a JSON array of them, or NDJSON
 * (one object per line). Each object is {@code {"id": "...", "text": "...", "attributes": {...}}}.
 * Everything is checked before anything is produced, so a rejected request produces nothing.
 */
final class DocumentRequestParser {
  private final ObjectMapper json = new ObjectMapper();
  private final HttpLimits limits;

  DocumentRequestParser(HttpLimits limits) {
    this.limits = limits;
  }

  List<Document> parse(String body) {
    String trimmed = body.strip();
    if (trimmed.isEmpty()) {
      throw new HttpError(
          400, "Validation", "empty body: send a JSON object, an array of objects, or NDJSON");
    }
    List<JsonNode> items = new ArrayList<>();
    if (trimmed.startsWith("[")) {
      JsonNode array = read(trimmed, "the body");
      array.forEach(items::add);
    } else {
      String[] lines = trimmed.split("\r?\n");
      for (int i = 0; i < lines.length; i++) {
        if (!lines[i].isBlank()) {
          items.add(read(lines[i], lines.length == 1 ? "the body" : "line " + (i + 1)));
        }
      }
    }
    if (items.isEmpty()) {
      throw new HttpError(400, "Validation", "no documents in the request");
    }
    if (items.size() > limits.maxItems()) {
      throw new HttpError(
          413,
          "Validation",
          items.size() + " documents in one request; the limit is " + limits.maxItems());
    }
    List<Document> documents = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      documents.add(document(items.get(i), i));
    }
    return documents;
  }

  private JsonNode read(String text, String where) {
    try {
      return json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new HttpError(
          400, "Validation", "malformed JSON in " + where + ": " + e.getOriginalMessage());
    }
  }

  private Document document(JsonNode node, int index) {
    String where = "document " + index;
    if (!node.isObject()) {
      throw new HttpError(400, "Validation", where + " is not a JSON object");
    }
    JsonNode id = node.get("id");
    if (id == null || !id.isTextual() || id.asText().isBlank()) {
      throw new HttpError(400, "Validation", where + ": \"id\" must be a non-empty string");
    }
    JsonNode text = node.get("text");
    if (text == null || !text.isTextual() || text.asText().isBlank()) {
      throw new HttpError(
          400, "Validation", where + " (" + id.asText() + "): \"text\" must be a non-empty string");
    }
    int bytes = text.asText().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > limits.maxDocumentBytes()) {
      throw new HttpError(
          413,
          "Validation",
          where
              + " ("
              + id.asText()
              + ") has "
              + bytes
              + " bytes of text; the limit is "
              + limits.maxDocumentBytes());
    }
    Map<String, String> attributes = new HashMap<>();
    JsonNode given = node.get("attributes");
    if (given != null && !given.isNull()) {
      if (!given.isObject()) {
        throw new HttpError(
            400, "Validation", where + ": \"attributes\" must be an object of strings");
      }
      if (given.size() <= InputLimits.MAX_ATTRIBUTES) { // else no map is built: 413 below
        given
            .fields()
            .forEachRemaining(entry -> attributes.put(entry.getKey(), entry.getValue().asText()));
      }
      String problem =
          given.size() > InputLimits.MAX_ATTRIBUTES
              ? given.size() + " attributes; the limit is " + InputLimits.MAX_ATTRIBUTES
              : InputLimits.attributesProblem(attributes).orElse(null);
      if (problem != null) {
        throw new HttpError(413, "Validation", where + " (" + id.asText() + ") has " + problem);
      }
    }
    return Document.newBuilder()
        .setId(id.asText())
        .setText(text.asText())
        .setAttributes(attributes)
        .setCreatedAt(java.time.Instant.now())
        .build();
  }
}
