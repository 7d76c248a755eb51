package io.modernbert.model.engine;

import io.modernbert.model.graph.Precision;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Run in a child JVM by {@link CompilationCacheIntegrationTest} (TensorFlow reads its XLA flags
 * once per process): loads {@code args[0]} with precision {@code args[1]} and XLA mode {@code
 * args[2]}, encodes three documents that use three batch shapes, and prints each embedding as
 * {@code EMBEDDING <id> <v1> <v2> ...}.
 */
public final class CompilationCacheProbe {
  private CompilationCacheProbe() {}

  static final List<DocumentInput> DOCUMENTS =
      List.of(
          DocumentInput.text("short", "A short sentence."),
          DocumentInput.text("medium", "Medium length text about caches. ".repeat(12)),
          DocumentInput.text("long", "A longer document that needs a wider row. ".repeat(40)));

  public static void main(String[] args) {
    EngineOptions options =
        EngineOptions.defaults()
            .withThreads(2)
            .withWarmup(false)
            .withPrecision(Precision.valueOf(args[1]))
            .withXla(XlaMode.valueOf(args[2]));
    try (InferenceEngine engine = InferenceEngine.load(Path.of(args[0]), options)) {
      for (EncodedDocument document : engine.encode(DOCUMENTS, false)) {
        StringBuilder line = new StringBuilder("EMBEDDING ").append(document.id());
        for (float value : document.embedding()) {
          line.append(' ').append(String.format(Locale.ROOT, "%.9g", value));
        }
        System.out.println(line);
      }
    }
  }
}
