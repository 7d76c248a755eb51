package io.modernbert.model.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/modernbert}: the model's command line. Each sub-command is its own class. */
@Command(
    name = "modernbert",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "ModernBERT on TensorFlow Java: encode documents with any Hugging Face ModernBERT folder.",
    footer = {
      "",
      "Also: bin/modernbert bench (our engine against ONNX Runtime) and bin/modernbert load (end to",
      "end through Kafka and HTTP); each has its own --help."
    },
    subcommands = {
      EncodeCommand.class,
      RandomCheckpointCommand.class,
      CommandLine.HelpCommand.class
    })
public final class ModernBertCli {

  public static void main(String[] args) {
    quietLogging();
    System.exit(run(args));
  }

  /**
   * Logging settings for the CLI, as defaults that -D flags override (a library ships no logging
   * configuration: applications bring theirs). Logs go to stderr so that stdout stays pure JSONL;
   * DJL's platform notice and its CUDA probe on CPU-only machines are not actionable.
   */
  static void quietLogging() {
    Map.of(
            "org.slf4j.simpleLogger.logFile", "System.err",
            "org.slf4j.simpleLogger.showDateTime", "true",
            "org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSS",
            "org.slf4j.simpleLogger.log.ai.djl", "warn",
            "org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "off")
        .forEach(
            (key, value) -> {
              if (System.getProperty(key) == null) {
                System.setProperty(key, value);
              }
            });
  }

  /** Runs the CLI and returns its exit code: 0 ok, 1 failure (message on stderr), 2 usage error. */
  public static int run(String... args) {
    return run(new PrintWriter(System.err, true), args);
  }

  /** As {@link #run(String...)}, with messages and progress going to {@code err}. */
  public static int run(PrintWriter err, String... args) {
    return commandLine(err).execute(args);
  }

  /**
   * The configured command line, for launchers that add sub-commands of their own (the benchmark in
   * load-tests): failures print one line naming the file, tensor or input line, exit code 1.
   */
  public static CommandLine commandLine(PrintWriter err) {
    CommandLine commandLine = new CommandLine(new ModernBertCli());
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(
        (exception, cli, parseResult) -> {
          cli.getErr().println("modernbert: " + ErrorMessages.describe(exception));
          return 1;
        });
    return commandLine;
  }
}
