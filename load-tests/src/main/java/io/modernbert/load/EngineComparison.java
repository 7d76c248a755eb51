package io.modernbert.load;

import io.modernbert.model.cli.EncodeLoop;
import io.modernbert.model.engine.EngineOptions;
import io.modernbert.model.engine.InferenceEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code --engine-compare}: the run's documents through the engine in this process, after the
 * end-to-end run (never during it: on 2 cores the two would share the CPU), timed as {@code
 * bin/modernbert encode} times them, because it is encode's own loop ({@link EncodeLoop}). The
 * documents are the JSONL that {@code --save-input} writes, read line by line and handed to the
 * engine {@value EncodeLoop#CHUNK} at a time; every result is serialized as encode writes it (into
 * nothing here, where encode writes a file); the engine has encode's options for the same flags
 * ({@code --threads}, default all cores, {@code --precision}, {@code --xla}, ...) and encode's
 * warm-up: the serving shapes at load, untimed, while the larger shapes compile (or load from the
 * XLA cache) on first use, inside the time. Loading is not timed. So the figure is the one {@code
 * bin/modernbert encode --input FILE} prints on the file {@code --save-input} wrote, with the same
 * flags on the same machine.
 *
 * <p>The ratio of end-to-end to engine documents per second is what the service keeps of the model.
 * The service is still up while this runs; idle, it may warm batch shapes it has not run yet, which
 * takes CPU from the comparison. For the cleanest baseline, stop it and run {@code encode} on the
 * saved file.
 */
final class EngineComparison {
  private EngineComparison() {}

  /** Encode's documents, tokens and seconds on {@code documents}. */
  static EncodeLoop.Totals encode(
      Path model, EngineOptions options, List<LoadDocument> documents, PrintWriter err)
      throws IOException {
    StringWriter jsonl = new StringWriter();
    DocumentSource.writeJsonl(documents, jsonl);
    err.printf(
        Locale.ROOT,
        "load: engine comparison: loading %s (%d threads, %s), then encoding as"
            + " bin/modernbert encode does%n",
        model,
        options.threads(),
        options.precision());
    try (InferenceEngine engine = InferenceEngine.load(model, options)) {
      EncodeLoop.Totals totals =
          new EncodeLoop(engine, false, false, 0)
              .run(
                  new BufferedReader(new StringReader(jsonl.toString())), Writer.nullWriter(), err);
      err.printf(
          Locale.ROOT,
          "load: engine encoded %d documents in %.2f s%n",
          totals.documents(),
          totals.seconds());
      return totals;
    }
  }
}
