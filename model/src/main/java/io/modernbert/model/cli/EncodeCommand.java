package io.modernbert.model.cli;

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

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    boolean windowed = Windows.LongDocuments.parse(longDocuments) == Windows.LongDocuments.WINDOWS;
    if (windowed && hiddenStates) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--hidden-states cannot be combined with --long-documents windows");
    }
    EngineOptions options = EncodeLoop.engineOptions(engineFlags, maxTokens, normalize, threads);
    try (InferenceEngine engine = InferenceEngine.load(model, options);
        BufferedReader reader = new BufferedReader(openInput())) {
      new EncodeLoop(engine, hiddenStates, windowed, windowOverlap).run(reader, openOutput(), err);
    }
    return 0;
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
