package io.modernbert.model.cli;

import io.modernbert.model.engine.DocumentInput;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.EngineOptions;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.engine.Windows;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code modernbert encode}: JSONL documents in, JSONL embeddings (and labels) out, same order. */
@Command(
    name = "encode",
    mixinStandardHelpOptions = true,
    description = {
      "Encode documents with a ModernBERT model folder.",
      "Input: one JSON object per line, {\"id\":...,\"text\":\"...\"} or {\"id\":...,\"input_ids\":[...]}.",
      "Output: one line per input, same order: {\"id\",\"tokens\",\"truncated\",\"embedding\",",
      "\"labels\" and \"logits\" (classifiers), \"last_hidden_state\" (with --hidden-states)}."
    })
final class EncodeCommand implements Callable<Integer> {
  /**
   * Documents handed to the engine at a time: enough for the planner to pack passes well, few
   * enough to bound memory on huge inputs.
   */
  private static final int CHUNK = 512;

  @Spec private CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      description =
          "Hugging Face ModernBERT folder (config.json, model.safetensors, tokenizer.json).")
  private Path model;

  @Option(
      names = "--input",
      defaultValue = "-",
      description = "JSONL input file, or - for stdin (default).")
  private String input;

  @Option(
      names = "--output",
      defaultValue = "-",
      description = "JSONL output file, or - for stdout (default).")
  private String output;

  @Option(
      names = "--hidden-states",
      description = "Also write last_hidden_state, one vector per token.")
  private boolean hiddenStates;

  @Option(
      names = "--normalize",
      description = "L2-normalize embeddings even when the model does not.")
  private boolean normalize;

  @Option(
      names = "--max-tokens",
      defaultValue = "0",
      description =
          "Truncate documents to this many tokens, [CLS] and [SEP] included (default: the model's limit, 8192).")
  private int maxTokens;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "TensorFlow threads (default: all cores).")
  private int threads;

  @Option(
      names = "--long-documents",
      defaultValue = "truncate",
      description = {
        "Documents over the token limit: truncate (keep the first tokens; default) or windows (read whole, in",
        "overlapping windows; embedding and logits are the token-weighted means of the windows', \"windows\" says how many)."
      })
  private String longDocuments;

  @Option(
      names = "--window-overlap",
      defaultValue = "" + Windows.DEFAULT_OVERLAP,
      description =
          "With --long-documents windows: content tokens consecutive windows share (default ${DEFAULT-VALUE}).")
  private int windowOverlap;

  @Mixin private EngineFlags engineFlags;

  private boolean windowed;

  /** The engine's results for {@code documents}, truncated or in windows as asked. */
  private List<EncodedDocument> encode(InferenceEngine engine, List<DocumentInput> documents) {
    return windowed
        ? Windows.encode(engine, documents, windowOverlap)
        : engine.encode(documents, hiddenStates);
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    windowed = Windows.LongDocuments.parse(longDocuments) == Windows.LongDocuments.WINDOWS;
    if (windowed && hiddenStates) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--hidden-states cannot be combined with --long-documents windows");
    }
    EngineOptions options =
        engineFlags
            .apply(EngineOptions.defaults())
            .withMaxTokens(maxTokens)
            .withNormalize(normalize)
            .withThreads(threads);
    try (InferenceEngine engine = InferenceEngine.load(model, options);
        BufferedReader reader = new BufferedReader(openInput());
        JsonlOutput writer = new JsonlOutput(openOutput())) {
      JsonlInput lines = new JsonlInput(reader);
      Progress progress = new Progress(err);
      List<JsonlInput.Line> chunk = new ArrayList<>(CHUNK);
      try {
        for (JsonlInput.Line line = lines.next(); line != null; line = lines.next()) {
          chunk.add(line);
          if (chunk.size() == CHUNK) {
            encodeChunk(engine, chunk, writer, progress);
          }
        }
      } finally {
        // On a bad line, the good lines before it are still encoded and written.
        encodeChunk(engine, chunk, writer, progress);
        progress.finish();
      }
    }
    return 0;
  }

  /** Encodes and writes {@code chunk} in order, then empties it. */
  private void encodeChunk(
      InferenceEngine engine, List<JsonlInput.Line> chunk, JsonlOutput writer, Progress progress)
      throws IOException {
    List<EncodedDocument> results;
    try {
      results = encode(engine, chunk.stream().map(JsonlInput.Line::document).toList());
    } catch (IllegalArgumentException e) {
      // A document the engine rejects: redo one by one, so that the lines before it are written
      // and the message names its line.
      encodeOneByOne(engine, chunk, writer, progress);
      return;
    }
    for (int i = 0; i < chunk.size(); i++) {
      writer.write(chunk.get(i).id(), results.get(i));
      progress.add(results.get(i).tokens());
    }
    writer.flush();
    chunk.clear();
  }

  private void encodeOneByOne(
      InferenceEngine engine, List<JsonlInput.Line> chunk, JsonlOutput writer, Progress progress)
      throws IOException {
    for (JsonlInput.Line line : chunk) {
      EncodedDocument result;
      try {
        result = encode(engine, List.of(line.document())).get(0);
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

  private Reader openInput() throws IOException {
    return input.equals("-")
        ? new InputStreamReader(System.in, StandardCharsets.UTF_8)
        : Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8);
  }

  private Writer openOutput() throws IOException {
    return output.equals("-")
        ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16)
        : Files.newBufferedWriter(Path.of(output), StandardCharsets.UTF_8);
  }
}
