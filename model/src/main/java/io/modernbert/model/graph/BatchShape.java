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
   * Row lengths 128, 256, ... up to the first that holds {@code maxTokens}; for each, row counts 1,
   * 2, 4, ... while rows x length stays within {@code tokenBudget}. With the 8,192-token budget and
   * limit that is 28 shapes.
   */
  public static List<BatchShape> standardSet(int tokenBudget, int maxTokens, int block) {
    List<BatchShape> shapes = new ArrayList<>();
    int length = MIN_LENGTH;
    while (length % block != 0) {
      length *= 2;
    }
    for (; ; length *= 2) {
      for (int rows = 1; (long) rows * length <= Math.max(tokenBudget, length); rows *= 2) {
        shapes.add(new BatchShape(rows, length));
      }
      if (length >= maxTokens) {
        return shapes;
      }
    }
  }
}
