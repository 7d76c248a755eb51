package io.modernbert.model.engine;

/**
 * Which of an engine's batch shapes a planned pass may use.
 *
 * @param maxSlots the largest pass, in slots ({@link InferenceEngine#SERVING_SLOTS} keeps a pass on
 *     the serving shapes' graph, short and quick)
 * @param warmOnly only shapes that have already run, so that no pass waits for XLA to compile a
 *     shape or for the larger shapes' graph to be built. A document that no warm shape holds still
 *     runs: on the smallest one-row shape that holds it, compiled by that pass.
 */
public record ShapeScope(int maxSlots, boolean warmOnly) {
  /** Every shape, warm or not: the offline {@code encode}, which warms what it needs as it goes. */
  public static final ShapeScope ALL = new ShapeScope(Integer.MAX_VALUE, false);

  /** Warm shapes of at most {@code maxSlots} slots. */
  public static ShapeScope warm(int maxSlots) {
    return new ShapeScope(maxSlots, true);
  }

  public ShapeScope {
    if (maxSlots < 1) {
      throw new IllegalArgumentException("max slots must be positive: " + maxSlots);
    }
  }
}
