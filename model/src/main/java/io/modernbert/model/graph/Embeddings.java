package io.modernbert.model.graph;

import io.modernbert.model.config.ModernBertConfig;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * {@code ModernBertEmbeddings}: token embedding lookup, then LayerNorm (no position embeddings).
 */
public final class Embeddings {
  private final GraphBuilder graph;
  private final Operand<? extends TNumber> table;
  private final LayerNorm norm;

  public Embeddings(GraphBuilder graph, ModernBertConfig config) {
    this.graph = graph;
    this.table =
        graph.matrix("embeddings.tok_embeddings.weight", config.vocabSize(), config.hiddenSize());
    this.norm =
        new LayerNorm(
            graph, "embeddings.norm", config.hiddenSize(), config.normEps(), config.normBias());
  }

  /** ids [n] -> [n, hidden]. */
  public Operand<TFloat32> apply(Operand<TInt32> ids) {
    return norm.apply(graph.toFloat(graph.tf().gather(table, ids, graph.tf().constant(0))));
  }
}
