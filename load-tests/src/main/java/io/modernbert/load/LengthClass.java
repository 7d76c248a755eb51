package io.modernbert.load;

/**
 * The token-length classes the report breaks latency down by ([CLS] and [SEP] included). The bounds
 * double from 128, the engine's shortest row, so each class roughly doubles the work of a document;
 * everything over 1,024 tokens is one class, since such documents are about 1% of a realistic mix
 * and a class needs enough of them for its p99 to mean something.
 */
enum LengthClass {
  UP_TO_128("<=128", 1, 128),
  UP_TO_256("129-256", 129, 256),
  UP_TO_512("257-512", 257, 512),
  UP_TO_1024("513-1024", 513, 1024),
  OVER_1024(">1024", 1025, Integer.MAX_VALUE);

  private final String label;
  private final int fromTokens;
  private final int toTokens;

  LengthClass(String label, int fromTokens, int toTokens) {
    this.label = label;
    this.fromTokens = fromTokens;
    this.toTokens = toTokens;
  }

  /** The class of a document of {@code tokens} tokens (a document has at least [CLS] and [SEP]). */
  static LengthClass of(int tokens) {
    for (LengthClass lengthClass : values()) {
      if (tokens <= lengthClass.toTokens) {
        return lengthClass;
      }
    }
    throw new AssertionError("the last class is open");
  }

  /** As people read it in the summary and the charts: {@code <=128}, {@code 129-256}, ... */
  String label() {
    return label;
  }

  int fromTokens() {
    return fromTokens;
  }

  /** The last length in the class; {@link Integer#MAX_VALUE} for the open one. */
  int toTokens() {
    return toTokens;
  }
}
