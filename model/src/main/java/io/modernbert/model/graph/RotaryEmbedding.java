package io.modernbert.model.graph;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Rotary position embedding ("rotate half" layout, as transformers' ModernBERT).
 *
 * <p>transformers computes the angles in float32 even for a float64 model (its rotary forward casts
 * to float32 with autocast off), so we do the same: inverse frequencies rounded to float32 in Java,
 * one float32 multiply by the position, then cos and sin. Matching that rounding matters at long
 * positions, where a float32 angle is off by up to ~5e-4 radians from the exact one.
 */
public final class RotaryEmbedding {
  private final Operand<TFloat32> cos;
  private final Operand<TFloat32> sin;
  private final GraphBuilder graph;
  private final int headDim;

  /**
   * positions [rows, len] int32 (restarting at 0 for each document) -> cos, sin [rows, 1, len,
   * headDim].
   */
  public RotaryEmbedding(GraphBuilder graph, Operand<TInt32> positions, int headDim, double theta) {
    this.graph = graph;
    this.headDim = headDim;
    Ops tf = graph.tf();
    float[] inverseFrequencies = inverseFrequencies(headDim, theta);
    // [rows, 1, len, 1] * [d/2] -> [rows, 1, len, d/2]; the 1 broadcasts over heads
    Operand<TFloat32> position =
        tf.expandDims(
            tf.expandDims(tf.dtypes.cast(positions, TFloat32.class), tf.constant(1)),
            tf.constant(-1));
    Operand<TFloat32> angles = tf.math.mul(position, tf.constant(inverseFrequencies));
    // [rows, 1, len, d]: the same angle for element k and k + d/2
    Operand<TFloat32> doubled = tf.concat(List.of(angles, angles), tf.constant(-1));
    this.cos = tf.math.cos(doubled);
    this.sin = tf.math.sin(doubled);
  }

  /** inv_freq[k] = 1 / theta^(2k / d), with each step rounded to float32 like torch does. */
  static float[] inverseFrequencies(int headDim, double theta) {
    float[] result = new float[headDim / 2];
    for (int k = 0; k < result.length; k++) {
      float exponent = (float) (2 * k) / (float) headDim;
      float power = (float) Math.pow((float) theta, exponent);
      result[k] = 1.0f / power;
    }
    return result;
  }

  /** x [rows, heads, len, d] -> x cos + rotate_half(x) sin, where rotate_half(a, b) = (-b, a). */
  public Operand<TFloat32> apply(Operand<TFloat32> x) {
    Ops tf = graph.tf();
    var halves = tf.split(tf.constant(-1), x, 2L);
    Operand<TFloat32> rotated =
        tf.concat(
            List.of(tf.math.neg(halves.output().get(1)), halves.output().get(0)), tf.constant(-1));
    return tf.math.add(tf.math.mul(x, cos), tf.math.mul(rotated, sin));
  }

  public int headDim() {
    return headDim;
  }
}
