package io.modernbert.model.tokenizer;

import java.util.Arrays;

/**
 * The token ids of one input, ready for the model.
 *
 * <p>The {@code ids} array is shared, not copied: callers must not modify it.
 *
 * @param ids the token ids, starting with [CLS] and ending with [SEP] when produced by {@link
 *     ModernBertTokenizer#encode(String)}
 * @param truncated whether tokens of the input were dropped to fit the token limit
 * @param originalLength the number of ids before truncation (equals {@code ids.length} when not
 *     truncated; for windows, the length of the whole document's encoding)
 */
public record Encoding(int[] ids, boolean truncated, int originalLength) {

  public Encoding {
    if (ids == null) {
      throw new IllegalArgumentException("ids must not be null");
    }
    if (originalLength < 0) {
      throw new IllegalArgumentException("originalLength must be >= 0, got " + originalLength);
    }
  }

  /** Returns the number of ids. */
  public int length() {
    return ids.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Encoding other
        && truncated == other.truncated
        && originalLength == other.originalLength
        && Arrays.equals(ids, other.ids);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(ids) + Boolean.hashCode(truncated)) + originalLength;
  }

  @Override
  public String toString() {
    String shown;
    if (ids.length <= 16) {
      shown = Arrays.toString(ids);
    } else {
      shown =
          Arrays.toString(Arrays.copyOf(ids, 8)).replace("]", ", ...")
              + Arrays.toString(Arrays.copyOfRange(ids, ids.length - 4, ids.length))
                  .replace("[", " ");
    }
    return "Encoding[length="
        + ids.length
        + ", truncated="
        + truncated
        + ", originalLength="
        + originalLength
        + ", ids="
        + shown
        + "]";
  }
}
