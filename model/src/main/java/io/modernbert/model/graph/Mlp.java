package io.modernbert.model.graph;

import io.modernbert.model.config.ModernBertConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** {@code ModernBertMLP}, a GeGLU: Wi projects to [input | gate], then Wo(act(input) * gate). */
public final class Mlp {
  private final GraphBuilder graph;
  private final Linear wi;
  private final Linear wo;
  private final ModernBertConfig config;

  public Mlp(GraphBuilder graph, String prefix, ModernBertConfig config) {
    this.graph = graph;
    this.config = config;
    int hidden = config.hiddenSize();
    int intermediate = config.intermediateSize();
    this.wi = new Linear(graph, prefix + ".Wi", hidden, 2 * intermediate, config.mlpBias());
    this.wo = new Linear(graph, prefix + ".Wo", intermediate, hidden, config.mlpBias());
  }

  /** x [n, hidden] -> [n, hidden]. */
  public Operand<TFloat32> apply(Operand<TFloat32> x) {
    Ops tf = graph.tf();
    var halves = tf.split(tf.constant(-1), wi.apply(x), 2L).output(); // 2 x [n, intermediate]
    Operand<TFloat32> activated =
        Activations.apply(graph, config.hiddenActivation(), halves.get(0));
    return wo.apply(tf.math.mul(activated, halves.get(1)));
  }
}
