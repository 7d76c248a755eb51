package io.modernbert.model.graph;

import io.modernbert.model.config.ModernBertConfig;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * {@code ModernBertPredictionHead} (dense, activation, norm) followed, for sequence classifiers, by
 * the {@code classifier} linear layer (which always has a bias).
 */
public final class ClassificationHead {
  private final GraphBuilder graph;
  private final Linear dense;
  private final LayerNorm norm;
  private final Linear classifier;
  private final ModernBertConfig config;

  public ClassificationHead(GraphBuilder graph, ModernBertConfig config) {
    this.graph = graph;
    this.config = config;
    int hidden = config.hiddenSize();
    this.dense = new Linear(graph, "head.dense", hidden, hidden, config.classifierBias());
    this.norm = new LayerNorm(graph, "head.norm", hidden, config.normEps(), config.normBias());
    this.classifier = new Linear(graph, "classifier", hidden, config.numLabels(), true);
  }

  /** pooled [docs, hidden] -> [docs, hidden]. */
  public Operand<TFloat32> head(Operand<TFloat32> pooled) {
    return norm.apply(Activations.apply(graph, config.classifierActivation(), dense.apply(pooled)));
  }

  /** head [docs, hidden] -> logits [docs, labels]. */
  public Operand<TFloat32> logits(Operand<TFloat32> head) {
    return classifier.apply(head);
  }
}
