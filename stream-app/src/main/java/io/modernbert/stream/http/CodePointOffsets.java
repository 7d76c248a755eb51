package io.modernbert.stream.http;

/**
 * Per code point index of a text (0 to the count, inclusive): its UTF-16 index and its UTF-8 byte
 * offset, computed in one pass, so that converting every token's offsets is linear in the text.
 */
final class CodePointOffsets {
  private final int[] utf16;
  private final int[] utf8;

  CodePointOffsets(String text) {
    int count = text.codePointCount(0, text.length());
    utf16 = new int[count + 1];
    utf8 = new int[count + 1];
    int chars = 0;
    int bytes = 0;
    for (int i = 0; i < count; i++) {
      utf16[i] = chars;
      utf8[i] = bytes;
      int codePoint = text.codePointAt(chars);
      chars += Character.charCount(codePoint);
      // A lone surrogate counts 1 byte: Java's UTF-8 encoder writes it as '?'.
      bytes +=
          codePoint < 0x80 || Character.isSurrogate((char) codePoint)
              ? 1
              : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    }
    utf16[count] = chars;
    utf8[count] = bytes;
  }

  int utf16(int codePoint) {
    return utf16[Math.min(codePoint, utf16.length - 1)];
  }

  int utf8(int codePoint) {
    return utf8[Math.min(codePoint, utf8.length - 1)];
  }
}
