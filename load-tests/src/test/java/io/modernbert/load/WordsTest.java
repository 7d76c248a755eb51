package io.modernbert.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WordsTest {
  @Test
  void shouldCountRunsBetweenSpacesThatHoldALetterOrDigit() {
    assertThat(Words.count("Hello  world,\tagain 42")).isEqualTo(4);
    assertThat(Words.count("dodaj do drzewa (domyślnie „ ”)"))
        .as("„ and ” are no words")
        .isEqualTo(4);
    assertThat(Words.count("  ")).isZero();
  }

  @Test
  void shouldCountEachIdeographAndKanaAsAWord() {
    // タ ミ ル 語, then "(TAB", then タ イ プ ラ イ タ with the long-vowel mark and ")" on the last.
    assertThat(Words.count("タミル語 (TAB タイプライター)")).isEqualTo(11);
    assertThat(Words.count("無法分配記憶體來儲存 BMP 檔")).isEqualTo(12);
    assertThat(Words.count("真的要簽署嗎? (y/N)")).as("? belongs to 嗎").isEqualTo(7);
  }

  @Test
  void shouldCutAfterTheRequestedWords() {
    assertThat(Words.prefix("Hello world, again", 2)).isEqualTo("Hello world,");
    assertThat(Words.prefix("a „ ” b c", 1))
        .as("punctuation up to the next word stays")
        .isEqualTo("a „ ”");
    assertThat(Words.prefix("無法分配記憶體", 3)).isEqualTo("無法分");
    assertThat(Words.prefix("タミル語 (TAB タイプ", 5)).isEqualTo("タミル語 (TAB");
    assertThat(Words.prefix("short text", 5)).isEqualTo("short text");
    assertThat(Words.prefix("one two", 0)).isEmpty();
  }
}
