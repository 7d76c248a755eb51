package io.modernbert.model.engine;

import io.modernbert.model.config.ModernBertConfig;
import io.modernbert.model.tokenizer.Encoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Documents longer than the model's limit, read whole instead of truncated: the text is split into
 * windows of at most the limit ({@code [CLS] content [SEP]}, consecutive windows sharing {@code
 * overlap} content tokens), every window runs as a document of its own, and the windows' results
 * are combined into one:
 *
 * <ul>
 *   <li>the embedding is the mean of the windows' embeddings weighted by their token counts, L2
 *       normalized again when the windows' were (a mean of unit vectors is shorter than one);
 *   <li>the logits are the same weighted mean of the windows' logits, and the labels are scored
 *       from them as from any logits.
 * </ul>
 */
public final class Windows {
  /**
   * Content tokens consecutive windows share by default, so that no sentence is only ever seen cut.
   */
  public static final int DEFAULT_OVERLAP = 128;

  /** What to do with a document longer than the model's limit. */
  public enum LongDocuments {
    /** Keep its first tokens (the default, as Hugging Face's tokenizer with truncation). */
    TRUNCATE,
    /** Read it whole, in windows. */
    WINDOWS;

    /** {@code truncate} or {@code windows}, any case. */
    public static LongDocuments parse(String name) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "long documents must be truncate or windows, not '" + name + "'", e);
      }
    }
  }

  private Windows() {}

  /** The windows of {@code text}: one (equal to the plain encoding) when it fits. */
  public static List<Encoding> split(InferenceEngine engine, String text, int overlap) {
    int capacity = engine.tokenizer().maxTokens() - 2;
    return engine.tokenizer().encodeWindows(text, Math.max(0, Math.min(overlap, capacity - 1)));
  }

  /** Encodes documents whole: texts over the limit in windows, combined. Results in input order. */
  public static List<EncodedDocument> encode(
      InferenceEngine engine, List<DocumentInput> documents, int overlap) {
    List<DocumentInput> inputs = new ArrayList<>();
    int[] counts = new int[documents.size()];
    for (int d = 0; d < documents.size(); d++) {
      DocumentInput document = documents.get(d);
      if (document.text() == null) {
        inputs.add(document);
        counts[d] = 1;
        continue;
      }
      List<Encoding> windows = split(engine, document.text(), overlap);
      for (Encoding window : windows) {
        inputs.add(DocumentInput.ids(document.id(), window.ids()));
      }
      counts[d] = windows.size();
    }
    List<EncodedDocument> results = engine.encode(inputs, false);
    List<EncodedDocument> combined = new ArrayList<>(documents.size());
    int next = 0;
    for (int d = 0; d < documents.size(); d++) {
      List<EncodedDocument> parts = results.subList(next, next + counts[d]);
      next += counts[d];
      combined.add(
          parts.size() == 1
              ? parts.get(0)
              : combine(
                  documents.get(d).id(),
                  parts,
                  engine.config(),
                  engine.pooling().normalize() || engine.options().normalize()));
    }
    return combined;
  }

  /**
   * One document's result from its windows' results, in order.
   *
   * @param normalized whether the windows' embeddings are L2-normalized (the mean is normalized
   *     again)
   */
  public static EncodedDocument combine(
      String id, List<EncodedDocument> windows, ModernBertConfig config, boolean normalized) {
    if (windows.isEmpty()) {
      throw new IllegalArgumentException("no windows to combine for document " + id);
    }
    int dimensions = windows.get(0).embedding().length;
    double[] embedding = new double[dimensions];
    float[] firstLogits = windows.get(0).logits();
    double[] logits = firstLogits == null ? null : new double[firstLogits.length];
    long tokens = 0;
    for (EncodedDocument window : windows) {
      int weight = window.tokens();
      tokens += weight;
      for (int i = 0; i < dimensions; i++) {
        embedding[i] += (double) weight * window.embedding()[i];
      }
      if (logits != null) {
        for (int i = 0; i < logits.length; i++) {
          logits[i] += (double) weight * window.logits()[i];
        }
      }
    }
    float[] meanEmbedding = new float[dimensions];
    for (int i = 0; i < dimensions; i++) {
      meanEmbedding[i] = (float) (embedding[i] / tokens);
    }
    float[] meanLogits = null;
    if (logits != null) {
      meanLogits = new float[logits.length];
      for (int i = 0; i < logits.length; i++) {
        meanLogits[i] = (float) (logits[i] / tokens);
      }
    }
    return new EncodedDocument(
        id,
        Math.toIntExact(tokens),
        false,
        normalized ? EmbeddingPooling.normalized(meanEmbedding) : meanEmbedding,
        meanLogits == null ? List.of() : LabelScores.score(config, meanLogits),
        meanLogits,
        null,
        windows.size());
  }
}
