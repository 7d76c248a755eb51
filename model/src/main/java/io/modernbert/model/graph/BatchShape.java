package io.modernbert.model.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * The static shape of one packed forward pass: {@code rows} rows of {@code length} token slots. The
 * engine compiles a fixed set of these once, so XLA never sees a new shape in steady state.
 */
public record BatchShape(int rows, int length) {
  /** Shortest row; a multiple of every sliding-window block in released ModernBERT configs. */
  public static final int MIN_LENGTH = 128;

  /**
   * The one row length between two powers of two. A document of 1,025 to 1,536 tokens would
   * otherwise run in a 2,048-token row, a third or more of it padding, and that pass is long: 112
   * ms for the default model alone on 2 cores, 160 to 230 ms beside the broker. These documents are
   * about 1% of a lognormal stream with median 150 tokens (sigma 0.9), just where its p99 latency
   * lies. Shorter rows are cheap enough padded; longer documents are rarer.
   */
  public static final int INTERMEDIATE_LENGTH = 1536;

  public BatchShape {
    if (rows < 1 || length < 1) {
      throw new IllegalArgumentException("bad batch shape " + rows + "x" + length);
    }
  }

  public int slots() {
    return rows * length;
  }

  /** The graph name scope of this shape's inputs and outputs. */
  public String scope() {
    return "b" + rows + "x" + length;
  }

  @Override
  public String toString() {
    return rows + "x" + length;
  }

  /**
   * Row lengths 128, 256, ... up to the first that holds {@code maxTokens}, and {@link
   * #INTERMEDIATE_LENGTH} when it lies below that one and is a multiple of {@code block}; for each
   * length, row counts 1, 2, 4, ... while rows x length stays within {@code tokenBudget}. With the
   * 8,192-token budget and limit that is 31 shapes.
   */
  public static List<BatchShape> standardSet(int tokenBudget, int maxTokens, int block) {
    List<BatchShape> shapes = new ArrayList<>();
    int length = MIN_LENGTH;
    while (length % block != 0) {
      length *= 2;
    }
    for (; ; length *= 2) {
      addRows(shapes, length, tokenBudget);
      if (length >= maxTokens) {
        return shapes;
      }
      if (length < INTERMEDIATE_LENGTH
          && 2 * length > INTERMEDIATE_LENGTH
          && INTERMEDIATE_LENGTH % block == 0) {
        addRows(shapes, INTERMEDIATE_LENGTH, tokenBudget);
        if (INTERMEDIATE_LENGTH >= maxTokens) {
          return shapes;
        }
      }
    }
  }

  private static void addRows(List<BatchShape> shapes, int length, int tokenBudget) {
    for (int rows = 1; (long) rows * length <= Math.max(tokenBudget, length); rows *= 2) {
      shapes.add(new BatchShape(rows, length));
    }
  }
}
