package io.modernbert.stream.http;

/** Vector arithmetic the HTTP APIs share. */
final class Vectors {
  private Vectors() {}

  /** {@code vector} divided by its L2 norm when {@code normalize}, else a copy. */
  static float[] scaled(float[] vector, boolean normalize) {
    return scaled(vector, vector.length, normalize);
  }

  /**
   * The first {@code dimensions} values of {@code vector}, divided by their L2 norm when {@code
   * normalize}.
   */
  static float[] scaled(float[] vector, int dimensions, boolean normalize) {
    double norm = 0;
    for (int i = 0; i < dimensions; i++) {
      norm += (double) vector[i] * vector[i];
    }
    double scale = normalize ? 1 / Math.max(Math.sqrt(norm), 1e-12) : 1;
    float[] out = new float[dimensions];
    for (int i = 0; i < dimensions; i++) {
      out[i] = (float) (vector[i] * scale);
    }
    return out;
  }
}
