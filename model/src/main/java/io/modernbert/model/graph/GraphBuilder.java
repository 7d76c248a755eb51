package io.modernbert.model.graph;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * Shared state while one ModernBERT graph is built: the op factory, the compute precision and the
 * weight inputs.
 *
 * <p>Weights enter the graph as placeholders named exactly like the Hugging Face weights (without
 * the checkpoint's {@code model.} prefix) and are fed on every run from tensors the engine owns.
 * That keeps one copy of the weights in native memory, instead of a second one inside the GraphDef
 * and a third in the Const kernels, and lets every batch shape share them.
 */
public final class GraphBuilder {
  private final Ops tf;
  private final Precision precision;
  private final Map<String, WeightSpec> weights;
  private final Map<String, Placeholder<? extends TNumber>> inputs;
  private final NameScopes nameScopes;

  /**
   * A weight the graph expects: its HF name, which is also the name of the placeholder to feed, its
   * shape and element type. Feeding is by name, so a spec stays valid for a copy of the graph.
   */
  public record WeightSpec(String name, Shape shape, Class<? extends TNumber> type) {}

  /**
   * The graph's root-level name scopes, each opened once: TF Java's {@code withSubScope} reads the
   * name of every op already in the graph, so opening one per layer and shape made building the
   * larger shapes' graph ten times slower (ModernBERT-base bf16: 54 s against 5 s).
   */
  private record NameScopes(Ops root, Map<String, Ops> opened) {
    Ops get(String name) {
      return opened.computeIfAbsent(name, root::withSubScope);
    }
  }

  /** A builder for a new graph; {@code tf} creates ops at the graph's root. */
  public GraphBuilder(Ops tf, Precision precision) {
    this(
        tf,
        precision,
        new LinkedHashMap<>(),
        new LinkedHashMap<>(),
        new NameScopes(tf, new HashMap<>()));
  }

  private GraphBuilder(
      Ops tf,
      Precision precision,
      Map<String, WeightSpec> weights,
      Map<String, Placeholder<? extends TNumber>> inputs,
      NameScopes nameScopes) {
    this.tf = tf;
    this.precision = precision;
    this.weights = weights;
    this.inputs = inputs;
    this.nameScopes = nameScopes;
  }

  /**
   * The same builder (same weights) creating ops through {@code other}, e.g. with control
   * dependencies.
   */
  public GraphBuilder withOps(Ops other) {
    return new GraphBuilder(other, precision, weights, inputs, nameScopes);
  }

  /**
   * The same builder creating ops under the root-level name scope {@code name} ({@code
   * name/Slice_3}), one scope for the whole graph: a label the engine selects ops by, not a
   * structure. Control dependencies of this builder do not carry over.
   */
  public GraphBuilder inNameScope(String name) {
    return withOps(nameScopes.get(name));
  }

  public Ops tf() {
    return tf;
  }

  public Precision precision() {
    return precision;
  }

  /** A float32 weight (norm weights, biases): small, and used in float32 math. */
  public Operand<TFloat32> vector(String name, long... shape) {
    @SuppressWarnings("unchecked")
    Operand<TFloat32> input = (Operand<TFloat32>) weight(name, TFloat32.class, shape);
    return input;
  }

  /** A weight matrix in the compute precision (float32 or bfloat16). */
  public Operand<? extends TNumber> matrix(String name, long... shape) {
    return weight(name, computeType(), shape);
  }

  private Operand<? extends TNumber> weight(
      String name, Class<? extends TNumber> type, long... shape) {
    Placeholder<? extends TNumber> existing = inputs.get(name);
    if (existing != null) {
      return existing;
    }
    Shape expected = Shape.of(shape);
    Placeholder<? extends TNumber> input =
        tf.withName(name).placeholder(type, Placeholder.shape(expected));
    weights.put(name, new WeightSpec(name, expected, type));
    inputs.put(name, input);
    return input;
  }

  /** Every weight the graph reads, in creation order. */
  public Map<String, WeightSpec> weights() {
    return Collections.unmodifiableMap(weights);
  }

  /** The element type matmuls and attention run in: TFloat32, or TBfloat16 in BF16 mode. */
  public Class<? extends TNumber> computeType() {
    return precision == Precision.BF16 ? TBfloat16.class : TFloat32.class;
  }

  /** x cast to the compute precision (unchanged if it already is), for a matmul operand. */
  public Operand<? extends TNumber> toCompute(Operand<? extends TNumber> x) {
    return as(x, computeType());
  }

  /** x as {@code type}: x itself if it already is, a cast otherwise. */
  @SuppressWarnings("unchecked")
  public <T extends TNumber> Operand<T> as(Operand<? extends TNumber> x, Class<T> type) {
    return x.type() == type ? (Operand<T>) x : tf.dtypes.cast(x, type);
  }

  /** A scalar constant of {@code like}'s element type, for element-wise math on it. */
  public <T extends TNumber> Operand<T> scalarLike(Operand<T> like, double value) {
    return as(scalar(value), like.type());
  }

  /**
   * Batched a @ b (b transposed when asked), for attention scores and context, in the type of a and
   * b.
   *
   * <p>Built as the {@code BatchMatMulV2} op, which TF Java does not generate a wrapper for: on CPU
   * TensorFlow runs it through oneDNN, and it measured 25% faster than the {@code BatchMatMulV3}
   * that {@code tf.train.batchMatMul} creates (358 vs 282 GFLOP/s on [4,12,2048,64] x
   * [4,12,2048,64]^T, 2 threads). In bfloat16 the product is bfloat16 too.
   */
  public <T extends TNumber> Operand<T> batchMatMul(
      Operand<T> a, Operand<T> b, boolean transposeB) {
    Operation product =
        tf.scope()
            .opBuilder("BatchMatMulV2", "BatchMatMulV2")
            .addInput(a.asOutput())
            .addInput(b.asOutput())
            .setAttr("adj_x", false)
            .setAttr("adj_y", transposeB)
            .build();
    return product.output(0);
  }

  /** x back to float32 (a no-op in FP32). */
  @SuppressWarnings("unchecked")
  public Operand<TFloat32> toFloat(Operand<? extends TNumber> x) {
    return x.type() == TFloat32.class ? (Operand<TFloat32>) x : tf.dtypes.cast(x, TFloat32.class);
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
