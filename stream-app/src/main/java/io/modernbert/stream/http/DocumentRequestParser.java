package io.modernbert.stream.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modernbert.schemas.Document;
import io.modernbert.stream.errors.InputLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
    List<JsonNode> items = trimmed.startsWith("[") ? array(trimmed) : lines(trimmed);
    if (items.isEmpty()) {
      throw new HttpError(400, "Validation", "no documents in the request");
    }
    List<Document> documents = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      documents.add(document(items.get(i), i));
    }
    return documents;
  }

  /**
   * The elements of a JSON array, read one at a time, so that the item limit stops the reading
   * rather than being checked after the whole body became a tree.
   */
  private List<JsonNode> array(String body) {
    List<JsonNode> items = new ArrayList<>();
    try (JsonParser parser = json.createParser(body)) {
      parser.nextToken(); // START_ARRAY
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        if (parser.currentToken() == null) {
          throw new HttpError(400, "Validation", "malformed JSON in the body: unclosed array");
        }
        countOneMore(items.size());
        items.add(json.readTree(parser));
      }
      if (parser.nextToken() != null) {
        throw new HttpError(400, "Validation", "malformed JSON in the body: data after the array");
      }
      return items;
    } catch (JsonProcessingException e) {
      throw new HttpError(
          400, "Validation", "malformed JSON in the body: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a String source has no I/O to fail
    }
  }

  /** NDJSON (or a single object): one object per non-blank line, counted as they are read. */
  private List<JsonNode> lines(String body) {
    List<JsonNode> items = new ArrayList<>();
    boolean single = body.indexOf('\n') < 0;
    int line = 0;
    for (int from = 0; from <= body.length(); ) {
      int end = body.indexOf('\n', from);
      end = end < 0 ? body.length() : end;
      String text = body.substring(from, end);
      line++;
      if (!text.isBlank()) {
        countOneMore(items.size());
        items.add(read(text, single ? "the body" : "line " + line));
      }
      from = end + 1;
    }
    return items;
  }

  private void countOneMore(int sofar) {
    if (sofar >= limits.maxItems()) {
      throw new HttpError(
          413,
          "Validation",
          "more than "
              + limits.maxItems()
              + " documents in one request; the limit is "
              + limits.maxItems());
    }
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
        .setCreatedAt(Instant.now())
        .build();
  }
}
