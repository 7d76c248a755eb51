package io.modernbert.model.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.LabelScore;
import java.io.IOException;
import java.io.Writer;

/**
 * Writes one line per document: {@code {"id", "tokens", "truncated", "embedding", "labels"
 * (classifiers), "logits" (classifiers), "last_hidden_state" (when asked)}}.
 */
final class JsonlOutput implements AutoCloseable {
  private final Writer writer;
  private final JsonGenerator json;

  JsonlOutput(Writer writer) throws IOException {
    this.writer = writer;
    JsonFactory factory = new ObjectMapper().getFactory();
    this.json = factory.createGenerator(writer);
    this.json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    this.json.setRootValueSeparator(null);
  }

  void write(JsonNode id, EncodedDocument document) throws IOException {
    json.writeStartObject();
    json.writeFieldName("id");
    json.writeTree(id);
    json.writeNumberField("tokens", document.tokens());
    json.writeBooleanField("truncated", document.truncated());
    if (document.windows() > 1) {
      json.writeNumberField("windows", document.windows());
    }
    json.writeFieldName("embedding");
    writeFloats(document.embedding());
    if (document.logits() != null) {
      json.writeArrayFieldStart("labels");
      for (LabelScore label : document.labels()) {
        json.writeStartObject();
        json.writeStringField("label", label.label());
        json.writeNumberField("score", label.score());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeFieldName("logits");
      writeFloats(document.logits());
    }
    if (document.lastHiddenState() != null) {
      json.writeArrayFieldStart("last_hidden_state");
      for (float[] row : document.lastHiddenState()) {
        writeFloats(row);
      }
      json.writeEndArray();
    }
    json.writeEndObject();
    json.flush();
    writer.write('\n');
  }

  private void writeFloats(float[] values) throws IOException {
    json.writeStartArray();
    for (float value : values) {
      json.writeNumber(value);
    }
    json.writeEndArray();
  }

  void flush() throws IOException {
    json.flush();
    writer.flush();
  }

  @Override
  public void close() throws IOException {
    flush();
    json.close();
  }
}
