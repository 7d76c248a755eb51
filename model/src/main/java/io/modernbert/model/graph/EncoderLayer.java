package io.modernbert.model.graph;

import io.modernbert.model.config.LayerType;
import io.modernbert.model.config.ModernBertConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code ModernBertEncoderLayer}, pre-norm: h += attn(attn_norm(h)); h += mlp(mlp_norm(h)). Layer 0
 * has no attention norm, because the embeddings were just normalized. As in the paper and in
 * transformers, the layer knows its type: global attention (every third layer by default) or
 * sliding-window attention, each with its own RoPE base.
 */
public final class EncoderLayer {
  private final GraphBuilder graph;
  private final LayerNorm attnNorm;
  private final Attention attention;
  private final LayerNorm mlpNorm;
  private final Mlp mlp;
  private final boolean global;

  public EncoderLayer(GraphBuilder graph, int index, ModernBertConfig config) {
    this.graph = graph;
    String prefix = "layers." + index;
    this.attnNorm =
        index == 0
            ? null
            : new LayerNorm(
                graph,
                prefix + ".attn_norm",
                config.hiddenSize(),
                config.normEps(),
                config.normBias());
    this.attention = new Attention(graph, prefix + ".attn", config);
    this.mlpNorm =
        new LayerNorm(
            graph, prefix + ".mlp_norm", config.hiddenSize(), config.normEps(), config.normBias());
    this.mlp = new Mlp(graph, prefix + ".mlp", config);
    this.global = config.layerTypes().get(index) == LayerType.FULL_ATTENTION;
  }

  /** h [rows * len, hidden] -> [rows * len, hidden]. */
  Operand<TFloat32> apply(Operand<TFloat32> h, int rows, PassAttention pass) {
    Ops tf = graph.tf();
    Operand<TFloat32> attnInput = attnNorm == null ? h : attnNorm.apply(h);
    RotaryEmbedding rope = global ? pass.globalRope() : pass.localRope();
    AttentionKernel kernel = global ? pass.global() : pass.local();
    h = tf.math.add(h, attention.apply(attnInput, rows, rope, kernel));
    return tf.math.add(h, mlp.apply(mlpNorm.apply(h)));
  }
}
