package io.modernbert.stream.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.modernbert.model.tokenizer.ModernBertTokenizer;
import io.modernbert.schemas.Document;
import io.modernbert.stream.StreamFixtures;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the HTTP routes parse from outside: an ingestion body (JSON object, array or NDJSON) gives
 * documents within the limits or an {@link HttpError} with a 4xx status; a text's tokens map back
 * to offsets inside the text (the {@code /tokenize} answer); ids to decode give a text or the
 * tokenizer's {@link IllegalArgumentException} (a 400). Anything else is a finding.
 */
class HttpInputsFuzzTest {
  private static final HttpLimits LIMITS = HttpLimits.defaults().withMaxItems(50);
  private static final DocumentRequestParser PARSER = new DocumentRequestParser(LIMITS);
  private static ModernBertTokenizer tokenizer;

  @BeforeAll
  static void loadTokenizer() {
    tokenizer = ModernBertTokenizer.load(StreamFixtures.LANGID_MODEL, 8192);
  }

  @AfterAll
  static void closeTokenizer() {
    tokenizer.close();
  }

  @FuzzTest(maxDuration = "20s")
  void ingestionBody(FuzzedDataProvider data) {
    String body = data.consumeRemainingAsString();
    List<Document> documents;
    try {
      documents = PARSER.parse(body);
    } catch (HttpError e) {
      if (e.status() < 400 || e.status() >= 500) {
        throw new IllegalStateException("a bad body answered " + e.status(), e);
      }
      return;
    }
    if (documents.isEmpty() || documents.size() > LIMITS.maxItems()) {
      throw new IllegalStateException(documents.size() + " documents from one body");
    }
    for (Document document : documents) {
      if (document.getId() == null || document.getId().isEmpty() || document.getText() == null) {
        throw new IllegalStateException("a document without id or text: " + document);
      }
    }
  }

  @FuzzTest(maxDuration = "20s")
  void tokenOffsets(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    CodePointOffsets offsets = new CodePointOffsets(text);
    int utf8Length = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    for (ModernBertTokenizer.Token token : tokenizer.tokens(text)) {
      if (token.special() || token.start() < 0) {
        continue;
      }
      int from = offsets.utf16(token.start());
      int to = offsets.utf16(token.stop());
      if (from > to || to > text.length()) {
        throw new IllegalStateException("token " + token + " maps to " + from + ".." + to);
      }
      text.substring(from, to);
      if (offsets.utf8(token.stop()) > utf8Length) {
        throw new IllegalStateException("token " + token + " ends past the UTF-8 text");
      }
    }
  }

  @FuzzTest(maxDuration = "20s")
  void idsToDecode(FuzzedDataProvider data) {
    boolean skipSpecial = data.consumeBoolean();
    int[] ids = data.consumeInts(64);
    try {
      tokenizer.decode(ids, skipSpecial);
    } catch (IllegalArgumentException expected) {
      // an id out of range: the route answers 400 with this message
    }
  }
}
