package io.modernbert.load;

import io.modernbert.model.engine.DocumentInput;
import io.modernbert.model.engine.EngineOptions;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.graph.BatchShape;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The same documents through the engine in this process, after the end-to-end run (never during it:
 * on 2 cores the two would share the CPU). Documents go in lists of {@code batchSize}, in arrival
 * order, which lets the engine pack them by length as it likes; loading and the warm-up of every
 * shape the lists use are not timed. The ratio of end-to-end to engine documents per second is what
 * the service keeps of the model.
 */
final class EngineComparison {
  private EngineComparison() {}

  /** Documents per second of the bare engine on {@code documents}. */
  static double documentsPerSecond(
      Path model,
      EngineOptions options,
      List<LoadDocument> documents,
      int batchSize,
      PrintWriter err) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1");
    }
    List<List<DocumentInput>> lists = new ArrayList<>();
    for (int from = 0; from < documents.size(); from += batchSize) {
      List<DocumentInput> list = new ArrayList<>();
      for (LoadDocument document :
          documents.subList(from, Math.min(documents.size(), from + batchSize))) {
        list.add(DocumentInput.text(document.id(), document.text()));
      }
      lists.add(list);
    }
    err.printf(
        Locale.ROOT,
        "load: engine comparison: loading %s (%d threads, %s)%n",
        model,
        options.threads(),
        options.precision());
    try (InferenceEngine engine = InferenceEngine.load(model, options)) {
      // Loading warms only the serving shapes; the rest would compile (or load from the cache)
      // inside the timed run, which the service does in its idle time instead.
      Set<BatchShape> used = new LinkedHashSet<>();
      for (List<DocumentInput> list : lists) {
        List<int[]> ids = new ArrayList<>();
        for (DocumentInput document : list) {
          ids.add(engine.tokenizer().encode(document.text()).ids());
        }
        engine.plan(ids).forEach(batch -> used.add(batch.shape()));
      }
      engine.warmUp(used);
      long start = System.nanoTime();
      int encoded = 0;
      for (List<DocumentInput> list : lists) {
        encoded += engine.encode(list, false).size();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double perSecond = encoded / seconds;
      err.printf(Locale.ROOT, "load: engine encoded %d documents in %.2f s%n", encoded, seconds);
      return perSecond;
    }
  }
}
