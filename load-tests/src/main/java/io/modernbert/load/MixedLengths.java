package io.modernbert.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The documents of {@code --lengths mixed}: the mix of lengths a service meets in practice, most
 * documents short and a long tail, made of real text. Each document is in one language, drawn
 * uniformly from the 24 of {@link SentenceCorpus} (a real document is written in one language, and
 * the language-identification model then has a right answer). Its length in {@link Words words} is
 * lognormal with median {@value #MEDIAN_WORDS} and log-space sigma {@value #WORD_SIGMA}, at least
 * 1. Its text is that language's sentences in shuffled order, reshuffled when all have been used,
 * joined by spaces and cut after that many words; a text over the model's {@value
 * DocumentSource#MAX_TOKENS} tokens is cut there.
 *
 * <p>Words, not tokens, are drawn because that is how documents come: the same 40 words are about
 * 50 tokens of English and 150 to 230 of Greek, Hebrew or Korean for ModernBERT's tokenizer, which
 * learned mostly English (1.2 tokens per word in English, 1.2 to 1.6 per character in Chinese and
 * Japanese, 1.9 to 5.7 per word in the others). Measured with that tokenizer (the default langid
 * model's) on 4,000 documents of seed 42, [CLS] and [SEP] included:
 *
 * <pre>
 *   up to 128 tokens   55.45%
 *   129 to 256         24.75%
 *   257 to 512         14.30%
 *   513 to 1,024        4.65%
 *   over 1,024          0.85%   (34 documents, the longest 3,475 tokens)
 * </pre>
 *
 * Seeds 1, 7 and 2024 gave 55.0 to 57.2%, 24.6 to 25.0%, 12.6 to 14.1%, 4.2 to 5.0% and 0.9 to
 * 1.3%, the longest 3,074 to 4,154 tokens.
 */
final class MixedLengths {
  static final double MEDIAN_WORDS = 40;
  static final double WORD_SIGMA = 0.9;

  private MixedLengths() {}

  /** Word counts: lognormal with median 40 and log-space sigma 0.9, at least 1. */
  static int[] wordCounts(int count, long seed) {
    Random random = new Random(seed);
    int[] words = new int[count];
    for (int i = 0; i < count; i++) {
      double length = Math.exp(Math.log(MEDIAN_WORDS) + WORD_SIGMA * random.nextGaussian());
      words[i] = (int) Math.max(1, Math.round(length));
    }
    return words;
  }

  /** {@code count} documents of {@link #wordCounts}'s lengths, one language each. */
  static List<LoadDocument> documents(SentenceCorpus corpus, RunIds ids, int count, long seed) {
    int[] words = wordCounts(count, seed);
    // A second stream for languages and sentences keeps the lengths a function of the seed alone.
    Random random = new Random(seed + 1);
    List<String> languages = corpus.languages();
    List<LoadDocument> documents = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String language = languages.get(random.nextInt(languages.size()));
      String text = text(corpus.sentences(language), words[i], random);
      text = corpus.cutToTokens(text, DocumentSource.MAX_TOKENS);
      documents.add(new LoadDocument(ids.id(i), text, corpus.tokens(text)));
    }
    return documents;
  }

  /** Sentences in shuffled rounds, joined by spaces, up to exactly {@code words} words. */
  static String text(List<String> sentences, int words, Random random) {
    StringBuilder text = new StringBuilder();
    List<String> deck = new ArrayList<>();
    int used = 0;
    while (used < words) {
      if (deck.isEmpty()) {
        deck.addAll(sentences);
        Collections.shuffle(deck, random);
      }
      String sentence = deck.remove(deck.size() - 1);
      int n = Words.count(sentence); // at least 1: the corpus has no blank sentences
      if (text.length() > 0) {
        text.append(' ');
      }
      text.append(used + n <= words ? sentence : Words.prefix(sentence, words - used));
      used = Math.min(words, used + n);
    }
    return text.toString();
  }
}
