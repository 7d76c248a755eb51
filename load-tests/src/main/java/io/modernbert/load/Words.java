package io.modernbert.load;

/**
 * Words as {@code --lengths mixed} counts them. In text with spaces, a word is a run of characters
 * between whitespace with at least one letter or digit in it: {@code wc -w} without the runs of
 * punctuation alone, such as the empty quotes {@code „ ”} the corpus keeps where a placeholder was.
 * Chinese and Japanese put no spaces between words, so there each Han ideograph, hiragana or
 * katakana character counts as a word of its own, as word processors count East Asian text;
 * punctuation and other characters written right after such a character (a long-vowel mark, a
 * full-width comma, a closing bracket) belong to it. Thai, also written without spaces, would need
 * a dictionary to split and is not in the corpus.
 */
final class Words {
  private Words() {}

  /** The number of words in {@code text}. */
  static int count(String text) {
    return scan(text, Integer.MAX_VALUE).words;
  }

  /**
   * The first {@code words} words of {@code text} (with any punctuation that follows them up to the
   * next word's run), without trailing whitespace; the whole text when it has no more words.
   */
  static String prefix(String text, int words) {
    return text.substring(0, scan(text, words).end).stripTrailing();
  }

  /** Words counted, and where the scan stopped: at the run that holds word {@code limit + 1}. */
  private record Scan(int words, int end) {}

  private static Scan scan(String text, int limit) {
    int words = 0;
    int runStart = -1; // where the current run of non-whitespace began; -1 between runs
    boolean counted = false; // whether the current run has been counted as a word
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      if (Character.isWhitespace(c)) {
        runStart = -1;
      } else {
        boolean alone = standsAlone(c);
        if (runStart < 0 || alone) {
          runStart = i; // an ideograph or kana starts a run of its own
          counted = false;
        }
        if (!counted && (alone || Character.isLetterOrDigit(c))) {
          if (words == limit) {
            return new Scan(words, runStart);
          }
          words++;
          counted = true;
        }
      }
      i += Character.charCount(c);
    }
    return new Scan(words, text.length());
  }

  /** Characters of scripts written without spaces between words, each counted as a word. */
  private static boolean standsAlone(int codePoint) {
    Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
    return script == Character.UnicodeScript.HAN
        || script == Character.UnicodeScript.HIRAGANA
        || script == Character.UnicodeScript.KATAKANA;
  }
}
