package io.modernbert.model.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Shared state while one ModernBERT graph is built: the op factory and the weight inputs.
 *
 * <p>Weights enter the graph as placeholders named exactly like the Hugging Face weights (without
 * the checkpoint's {@code model.} prefix) and are fed on every run from tensors the engine owns.
 * That keeps one copy of the weights in native memory, instead of a second one inside the GraphDef
 * and a third in the Const kernels.
 */
public final class GraphBuilder {
  private final Ops tf;
  private final Map<String, WeightSpec> weights = new LinkedHashMap<>();

  /** A weight the graph expects: its HF name, shape and the placeholder to feed. */
  public record WeightSpec(String name, Shape shape, Placeholder<TFloat32> input) {}

  public GraphBuilder(Ops tf) {
    this.tf = tf;
  }

  public Ops tf() {
    return tf;
  }

  /** The placeholder for weight {@code name}, created on first use with the given shape. */
  public Operand<TFloat32> weight(String name, long... shape) {
    WeightSpec existing = weights.get(name);
    if (existing != null) {
      return existing.input();
    }
    Shape expected = Shape.of(shape);
    Placeholder<TFloat32> input =
        tf.withName(name).placeholder(TFloat32.class, Placeholder.shape(expected));
    weights.put(name, new WeightSpec(name, expected, input));
    return input;
  }

  /** Every weight the graph reads, in creation order. */
  public Map<String, WeightSpec> weights() {
    return Collections.unmodifiableMap(weights);
  }

  public Operand<TFloat32> scalar(double value) {
    return tf.constant((float) value);
  }

  public Operand<TInt32> ints(int... values) {
    return tf.constant(values);
  }

  /** Mean over the last axis, kept: [..., n] -> [..., 1]. */
  public Operand<TFloat32> meanLastAxis(Operand<TFloat32> x) {
    return tf.math.mean(x, tf.constant(-1), Mean.keepDims(true));
  }
}
