package io.modernbert.load;

import io.modernbert.model.tokenizer.ModernBertTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Real sentences in 24 languages (user-interface strings from the language-identification test set,
 * shipped as {@code sentences.txt}, one {@code <ISO 639-1 code> TAB <sentence>} per line, 20 per
 * language) and the means to join them into a text of an exact token length.
 *
 * <p>Joining is cheap because the tokenizer's pre-tokenizer splits before a space: the tokens of
 * {@code "A B"} are those of {@code "A"} followed by those of {@code " B"}. Each sentence is
 * therefore tokenized once (with and without its leading space), counts are added up, the last
 * sentence is cut to the tokens that remain, and the finished text is measured once with the real
 * tokenizer.
 */
final class SentenceCorpus {
  static final String RESOURCE = "sentences.txt";

  private final List<String> sentences;
  private final Map<String, List<String>> byLanguage;
  private final ModernBertTokenizer tokenizer;
  private final Map<String, Integer> sentenceTokens = new HashMap<>();

  /** {@code byLanguage}: language code to its sentences; the file's order is kept. */
  SentenceCorpus(Map<String, List<String>> byLanguage, ModernBertTokenizer tokenizer) {
    if (byLanguage.values().stream().allMatch(List::isEmpty)) {
      throw new IllegalArgumentException("no sentences");
    }
    Map<String, List<String>> copy = new LinkedHashMap<>();
    byLanguage.forEach(
        (language, list) -> {
          if (!list.isEmpty()) {
            copy.put(language, List.copyOf(list));
          }
        });
    this.byLanguage = Collections.unmodifiableMap(copy);
    this.sentences = copy.values().stream().flatMap(List::stream).toList();
    this.tokenizer = tokenizer;
  }

  /** The shipped sentences, tokenized with {@code tokenizer}. */
  static SentenceCorpus shipped(ModernBertTokenizer tokenizer) {
    try (InputStream in = SentenceCorpus.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "resource " + RESOURCE + " is missing from the load-tests jar");
      }
      Map<String, List<String>> byLanguage = new LinkedHashMap<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        int tab = line.indexOf('\t');
        if (tab <= 0) {
          throw new IllegalStateException(
              RESOURCE + ": expected <language> TAB <sentence>: " + line);
        }
        byLanguage
            .computeIfAbsent(line.substring(0, tab), language -> new ArrayList<>())
            .add(line.substring(tab + 1).strip());
      }
      return new SentenceCorpus(byLanguage, tokenizer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One random sentence, of any language. */
  String sentence(Random random) {
    return sentences.get(random.nextInt(sentences.size()));
  }

  /** The language codes, in the file's order. */
  List<String> languages() {
    return List.copyOf(byLanguage.keySet());
  }

  /** The sentences of one language, in the file's order. */
  List<String> sentences(String language) {
    List<String> list = byLanguage.get(language);
    if (list == null) {
      throw new IllegalArgumentException("no sentences in language " + language);
    }
    return list;
  }

  /** Tokens of a text as the model sees it: [CLS], the text's tokens, [SEP]. */
  int tokens(String text) {
    return tokenizer.encode(text).originalLength();
  }

  /**
   * {@code text} itself when it encodes to at most {@code maxTokens} tokens ([CLS] and [SEP]
   * included), else its longest prefix that does: the model reads no more.
   */
  String cutToTokens(String text, int maxTokens) {
    return tokens(text) <= maxTokens ? text : longestPrefix(text, maxTokens - 2);
  }

  /**
   * A text of random sentences whose encoding has {@code target} tokens ([CLS] and [SEP] included),
   * or as close as the tokenizer allows (a cut inside a word can leave it one token short).
   */
  String text(Random random, int target) {
    StringBuilder text = new StringBuilder();
    int used = 2; // [CLS] and [SEP]
    for (int round = 0; round < 3 && used != target; round++) {
      fill(random, text, used, target);
      used = tokens(text.toString()); // the exact measurement; the sums in fill are estimates
      if (used > target) {
        String cut = longestPrefix(text.toString(), target - 2);
        text.setLength(0);
        text.append(cut);
        used = tokens(cut);
      }
    }
    return text.toString();
  }

  /** Appends whole sentences, then a cut one, until the estimated count reaches {@code target}. */
  private void fill(Random random, StringBuilder text, int used, int target) {
    int misses = 0;
    while (used < target && misses < 20) {
      String piece = text.length() == 0 ? sentence(random) : " " + sentence(random);
      int n = sentenceTokens(piece);
      if (used + n <= target) {
        text.append(piece);
        used += n;
        continue;
      }
      String cut = longestPrefix(piece, target - used);
      int m = cut.isBlank() ? 0 : content(cut);
      if (m == 0) {
        misses++; // the first character alone is over budget; another sentence may fit
        continue;
      }
      text.append(cut);
      used += m;
    }
  }

  /**
   * The longest prefix of {@code piece} with at most {@code budget} tokens that does not end in a
   * space.
   */
  private String longestPrefix(String piece, int budget) {
    int lo = 0; // a prefix of lo code points fits
    int hi = piece.codePointCount(0, piece.length()); // callers pass pieces that do not fit whole
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (content(prefix(piece, mid)) <= budget) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    // A trailing space would be a token of its own and merge differently with the next " sentence".
    return prefix(piece, lo).stripTrailing();
  }

  private static String prefix(String piece, int codePoints) {
    return piece.substring(0, piece.offsetByCodePoints(0, codePoints));
  }

  /** Tokens of a whole sentence (with or without its leading space), cached: sentences repeat. */
  private int sentenceTokens(String piece) {
    return sentenceTokens.computeIfAbsent(piece, this::content);
  }

  /** Tokens of a piece of text without [CLS] and [SEP]. */
  private int content(String piece) {
    return tokens(piece) - 2;
  }
}
