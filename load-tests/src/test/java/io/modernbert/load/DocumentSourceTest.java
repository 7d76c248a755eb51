package io.modernbert.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modernbert.model.tokenizer.ModernBertTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentSourceTest {
  private static final Path MODEL = Path.of("../models/langid-modernbert");
  private static ModernBertTokenizer tokenizer;

  @BeforeAll
  static void loadTokenizer() {
    tokenizer = ModernBertTokenizer.load(MODEL, 8192);
  }

  @AfterAll
  static void closeTokenizer() {
    tokenizer.close();
  }

  /** Measured apart from the generator, with the encoding the service will compute. */
  private static int measure(String text) {
    return tokenizer.encode(text).originalLength();
  }

  @Test
  void shouldGenerateTextsOfTheRequestedTokenLengths() {
    int count = 150;
    int[] requested = DocumentSource.lognormalLengths(count, 7);
    List<LoadDocument> documents =
        DocumentSource.generated(SentenceCorpus.shipped(tokenizer), new RunIds("t1"), count, 7);

    assertThat(documents).hasSize(count);
    int exact = 0;
    for (int i = 0; i < count; i++) {
      int measured = measure(documents.get(i).text());
      assertThat(documents.get(i).tokens())
          .as("document %d reports its own length", i)
          .isEqualTo(measured);
      assertThat(measured)
          .as("document %d: requested %d", i, requested[i])
          .isBetween(requested[i] - 1, requested[i]);
      exact += measured == requested[i] ? 1 : 0;
    }
    assertThat(exact).as("documents of exactly the requested length").isEqualTo(count);
  }

  @Test
  void shouldReachLongLengthsAndBuildThemFromSeveralLanguages() {
    SentenceCorpus corpus = SentenceCorpus.shipped(tokenizer);
    String text = corpus.text(new java.util.Random(3), 4000);

    assertThat(measure(text)).isBetween(3999, 4000);
    // Latin, Cyrillic, Greek, Hebrew, CJK and Hangul all occur in a text this long.
    assertThat(text)
        .containsPattern("\\p{IsLatin}")
        .containsPattern("\\p{IsCyrillic}")
        .containsPattern("\\p{IsGreek}")
        .containsPattern("\\p{IsHebrew}")
        .containsPattern("\\p{IsHan}")
        .containsPattern("\\p{IsHangul}");
  }

  @Test
  void shouldDrawLengthsWithMedian150AndLogSigma09ClampedTo8And8192() {
    int[] lengths = DocumentSource.lognormalLengths(20_000, 42);
    int[] sorted = Arrays.stream(lengths).sorted().toArray();

    assertThat(sorted[0]).isGreaterThanOrEqualTo(8);
    assertThat(sorted[sorted.length - 1]).isLessThanOrEqualTo(8192);
    assertThat(sorted[sorted.length / 2]).isBetween(145, 155);
    double sigma =
        Math.sqrt(
            Arrays.stream(lengths)
                .mapToDouble(l -> Math.log(l) - Math.log(150))
                .map(x -> x * x)
                .average()
                .orElseThrow());
    assertThat(sigma).isBetween(0.87, 0.93);
    assertThat(DocumentSource.lognormalLengths(100, 42))
        .containsExactly(Arrays.copyOf(lengths, 100));
  }

  @Test
  void shouldGiveEveryDocumentAUniqueIdOfItsRun() {
    RunIds ids = RunIds.fresh();
    List<LoadDocument> documents =
        DocumentSource.sentences(SentenceCorpus.shipped(tokenizer), ids, 500, 1);

    Set<String> seen = new HashSet<>();
    for (int i = 0; i < documents.size(); i++) {
      String id = documents.get(i).id();
      assertThat(seen.add(id)).as("unique id %s", id).isTrue();
      assertThat(id).startsWith("load-" + ids.runId() + "-");
      assertThat(ids.index(id)).isEqualTo(i);
    }
  }

  @Test
  void shouldSendOneShippedSentencePerDocumentWithSentences() throws IOException {
    Set<String> shipped = new HashSet<>(shippedLines());
    List<LoadDocument> documents =
        DocumentSource.sentences(SentenceCorpus.shipped(tokenizer), new RunIds("t2"), 200, 5);

    assertThat(shipped).hasSizeGreaterThanOrEqualTo(400);
    for (LoadDocument document : documents) {
      assertThat(shipped).contains(document.text());
      assertThat(document.tokens()).isEqualTo(measure(document.text())).isLessThan(100);
    }
    assertThat(documents.stream().map(LoadDocument::text).distinct().count()).isGreaterThan(100);
  }

  @Test
  void shouldReadJsonlTextsReplaceTheirIdsAndRepeatTheFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("in.jsonl");
    Files.writeString(
        file,
        "{\"id\":\"a\",\"text\":\"Hello world.\"}\n\n{\"id\":\"b\",\"text\":\"Bonjour le monde.\"}\n");
    RunIds ids = new RunIds("t3");

    List<LoadDocument> once = DocumentSource.jsonl(file, DocumentSourceTest::measure, ids, 0);
    List<LoadDocument> repeated = DocumentSource.jsonl(file, DocumentSourceTest::measure, ids, 5);

    assertThat(once)
        .extracting(LoadDocument::text)
        .containsExactly("Hello world.", "Bonjour le monde.");
    assertThat(once).extracting(LoadDocument::id).containsExactly("load-t3-0", "load-t3-1");
    assertThat(once.get(0).tokens()).isEqualTo(measure("Hello world."));
    assertThat(repeated)
        .extracting(LoadDocument::text)
        .containsExactly(
            "Hello world.",
            "Bonjour le monde.",
            "Hello world.",
            "Bonjour le monde.",
            "Hello world.");
    assertThat(repeated).extracting(LoadDocument::id).doesNotHaveDuplicates();
  }

  @Test
  void shouldSaveDocumentsAsTheJsonlThatEncodeAndLoadRead(@TempDir Path dir) throws IOException {
    List<LoadDocument> documents =
        DocumentSource.mixed(SentenceCorpus.shipped(tokenizer), new RunIds("t5"), 30, 3);
    Path file = dir.resolve("saved.jsonl");
    try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      DocumentSource.writeJsonl(documents, writer);
    }

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(30);
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertThat(first.fieldNames()).toIterable().containsExactly("id", "text");
    assertThat(first.path("id").asText()).isEqualTo("load-t5-0");
    List<LoadDocument> back =
        DocumentSource.jsonl(file, DocumentSourceTest::measure, new RunIds("t6"), 0);
    assertThat(back)
        .extracting(LoadDocument::text)
        .containsExactlyElementsOf(documents.stream().map(LoadDocument::text).toList());
    assertThat(back)
        .extracting(LoadDocument::tokens)
        .containsExactlyElementsOf(documents.stream().map(LoadDocument::tokens).toList());
  }

  @Test
  void shouldNameTheLineOfABadJsonlRecord(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.jsonl");
    Files.writeString(file, "{\"id\":\"a\",\"text\":\"ok\"}\n{\"id\":\"b\"}\n");

    assertThatThrownBy(
            () -> DocumentSource.jsonl(file, DocumentSourceTest::measure, new RunIds("t4"), 0))
        .hasMessageContaining("line 2");
  }

  private static List<String> shippedLines() throws IOException {
    try (InputStream in = SentenceCorpus.class.getResourceAsStream(SentenceCorpus.RESOURCE)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.isBlank())
          .map(l -> l.substring(l.indexOf('\t') + 1)) // after the language code
          .toList();
    }
  }
}
