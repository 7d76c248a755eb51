package io.modernbert.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modernbert.model.tokenizer.ModernBertTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MixedLengthsTest {
  private static final Path MODEL = Path.of("../models/langid-modernbert");
  private static final int COUNT = 4_000;
  private static ModernBertTokenizer tokenizer;
  private static SentenceCorpus corpus;
  private static List<LoadDocument> documents;

  @BeforeAll
  static void generate() {
    tokenizer = ModernBertTokenizer.load(MODEL, 8192);
    corpus = SentenceCorpus.shipped(tokenizer);
    documents = MixedLengths.documents(corpus, new RunIds("mix"), COUNT, 42);
  }

  @AfterAll
  static void closeTokenizer() {
    tokenizer.close();
  }

  @Test
  void shouldGiveTheRealisticTokenLengthMix() {
    int[] buckets = new int[5]; // <=128, 129-256, 257-512, 513-1024, >1024
    int longest = 0;
    for (LoadDocument document : documents) {
      // Measured apart from the generator, with the encoding the service will compute.
      int tokens = tokenizer.encode(document.text()).originalLength();
      assertThat(document.tokens()).isEqualTo(tokens);
      longest = Math.max(longest, tokens);
      buckets[tokens <= 128 ? 0 : tokens <= 256 ? 1 : tokens <= 512 ? 2 : tokens <= 1024 ? 3 : 4]++;
    }

    assertThat(share(buckets[0])).as("up to 128 tokens").isCloseTo(53, within(6.0));
    assertThat(share(buckets[1])).as("129-256").isCloseTo(27, within(6.0));
    assertThat(share(buckets[2])).as("257-512").isCloseTo(14, within(4.0));
    assertThat(share(buckets[3])).as("513-1024").isCloseTo(5, within(2.5));
    assertThat(share(buckets[4])).as("over 1024").isBetween(0.3, 3.0);
    assertThat(longest).as("the tail reaches thousands of tokens").isBetween(2_000, 8_192);
  }

  private static double share(int count) {
    return 100.0 * count / COUNT;
  }

  @Test
  void shouldCutEachDocumentToItsDrawnWordCount() {
    int[] words = MixedLengths.wordCounts(COUNT, 42);
    for (int i = 0; i < COUNT; i++) {
      assertThat(Words.count(documents.get(i).text())).as("document %d", i).isEqualTo(words[i]);
    }
  }

  @Test
  void shouldDrawWordCountsWithMedian40AndLogSigma09() {
    int[] words = MixedLengths.wordCounts(20_000, 42);
    int[] sorted = Arrays.stream(words).sorted().toArray();

    assertThat(sorted[0]).isGreaterThanOrEqualTo(1);
    assertThat(sorted[sorted.length / 2]).isBetween(39, 41);
    double sigma =
        Math.sqrt(
            Arrays.stream(words)
                .mapToDouble(w -> Math.log(w) - Math.log(40))
                .map(x -> x * x)
                .average()
                .orElseThrow());
    assertThat(sigma).isBetween(0.87, 0.93);
  }

  @Test
  void shouldWriteEachDocumentInOneLanguageAndUseManyLanguages() {
    Pattern greek = Pattern.compile("\\p{IsGreek}");
    Pattern otherScripts = Pattern.compile("[\\p{IsCyrillic}\\p{IsHebrew}\\p{IsHangul}\\p{IsHan}]");
    long greekDocuments = 0;
    for (LoadDocument document : documents) {
      if (greek.matcher(document.text()).find()) {
        greekDocuments++;
        assertThat(document.text()).doesNotContainPattern(otherScripts);
      }
    }
    assertThat(greekDocuments).as("about 1 in 24").isBetween(COUNT / 24 / 2L, COUNT / 24 * 2L);
    String all = String.join(" ", documents.stream().map(LoadDocument::text).toList());
    assertThat(all)
        .containsPattern("\\p{IsCyrillic}")
        .containsPattern("\\p{IsHebrew}")
        .containsPattern("\\p{IsHangul}")
        .containsPattern("\\p{IsHiragana}")
        .containsPattern("\\p{IsHan}")
        .containsPattern("ő") // Hungarian
        .containsPattern("ș") // Romanian
        .containsPattern("ğ"); // Turkish
  }

  @Test
  void shouldJoinOnlyTheGivenLanguagesSentences() {
    List<String> greek = corpus.sentences("el");
    String text = MixedLengths.text(greek, 500, new Random(1));

    String rest = text;
    while (!rest.isEmpty()) {
      String current = rest;
      String whole = greek.stream().filter(s -> current.startsWith(s)).findFirst().orElse(null);
      if (whole == null) {
        assertThat(greek).as("the last, cut sentence").anyMatch(s -> s.startsWith(current));
        break;
      }
      rest = rest.substring(whole.length()).stripLeading();
    }
    assertThat(Words.count(text)).isEqualTo(500);
  }

  @Test
  void shouldKnowTheShippedLanguages() {
    assertThat(corpus.languages()).hasSize(24).contains("en", "zh", "ja", "he", "el", "ko");
    assertThat(corpus.sentences("ko")).hasSize(20).allMatch(s -> s.matches(".*\\p{IsHangul}.*"));
  }
}
