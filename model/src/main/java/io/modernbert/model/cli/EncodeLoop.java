package io.modernbert.model.cli;

import io.modernbert.model.engine.DocumentInput;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.EngineOptions;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.engine.Windows;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * The work of {@code modernbert encode} once its engine is loaded: JSONL documents in, handed to
 * the engine {@value #CHUNK} at a time, one JSONL line per document out in the same order, with a
 * progress line every few seconds and a summary. Public so that {@code modernbert load
 * --engine-compare} times this very loop, and its figure is the one {@code encode} gives on the
 * same documents.
 */
public final class EncodeLoop {
  /**
   * Documents handed to the engine at a time: enough for the planner to pack passes well, few
   * enough to bound memory on huge inputs.
   */
  public static final int CHUNK = 512;

  /** What a run encoded and how long it took, as its summary line says. */
  public record Totals(long documents, long tokens, double seconds) {
    public double documentsPerSecond() {
      return seconds > 0 ? documents / seconds : 0;
    }
  }

  private final InferenceEngine engine;
  private final boolean hiddenStates;
  private final boolean windowed;
  private final int windowOverlap;

  /**
   * {@code windowed}: read documents over the token limit whole, in windows overlapping by {@code
   * windowOverlap} tokens ({@code --long-documents windows}); else truncate them.
   */
  public EncodeLoop(
      InferenceEngine engine, boolean hiddenStates, boolean windowed, int windowOverlap) {
    this.engine = engine;
    this.hiddenStates = hiddenStates;
    this.windowed = windowed;
    this.windowOverlap = windowOverlap;
  }

  /** The options {@code encode} loads its engine with. */
  public static EngineOptions engineOptions(
      EngineFlags flags, int maxTokens, boolean normalize, int threads) {
    return flags
        .apply(EngineOptions.defaults())
        .withMaxTokens(maxTokens)
        .withNormalize(normalize)
        .withThreads(threads);
  }

  /**
   * Encodes every line of {@code input} and writes the results to {@code output}, flushed but left
   * open; progress goes to {@code err}. The time runs from this call to the last result written.
   */
  public Totals run(BufferedReader input, Writer output, PrintWriter err) throws IOException {
    try (JsonlOutput writer = new JsonlOutput(output)) {
      JsonlInput lines = new JsonlInput(input);
      Progress progress = new Progress(err);
      List<JsonlInput.Line> chunk = new ArrayList<>(CHUNK);
      try {
        for (JsonlInput.Line line = lines.next(); line != null; line = lines.next()) {
          chunk.add(line);
          if (chunk.size() == CHUNK) {
            encodeChunk(chunk, writer, progress);
          }
        }
      } finally {
        // On a bad line, the good lines before it are still encoded and written.
        encodeChunk(chunk, writer, progress);
        progress.finish();
      }
      return progress.totals();
    }
  }

  /** The engine's results for {@code documents}, truncated or in windows as asked. */
  private List<EncodedDocument> encode(List<DocumentInput> documents) {
    return windowed
        ? Windows.encode(engine, documents, windowOverlap)
        : engine.encode(documents, hiddenStates);
  }

  /** Encodes and writes {@code chunk} in order, then empties it. */
  private void encodeChunk(List<JsonlInput.Line> chunk, JsonlOutput writer, Progress progress)
      throws IOException {
    List<EncodedDocument> results;
    try {
      results = encode(chunk.stream().map(JsonlInput.Line::document).toList());
    } catch (IllegalArgumentException e) {
      // A document the engine rejects: redo one by one, so that the lines before it are written
      // and the message names its line.
      encodeOneByOne(chunk, writer, progress);
      return;
    }
    for (int i = 0; i < chunk.size(); i++) {
      writer.write(chunk.get(i).id(), results.get(i));
      progress.add(results.get(i).tokens());
    }
    writer.flush();
    chunk.clear();
  }

  private void encodeOneByOne(List<JsonlInput.Line> chunk, JsonlOutput writer, Progress progress)
      throws IOException {
    for (JsonlInput.Line line : chunk) {
      EncodedDocument result;
      try {
        result = encode(List.of(line.document())).get(0);
      } catch (IllegalArgumentException e) {
        writer.flush();
        chunk.clear();
        throw new JsonlInput.InvalidLineException(line.number(), e.getMessage());
      }
      writer.write(line.id(), result);
      progress.add(result.tokens());
    }
    writer.flush();
    chunk.clear();
  }
}
