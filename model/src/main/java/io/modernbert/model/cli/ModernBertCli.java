package io.modernbert.model.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/modernbert}: the model's command line. Each sub-command is its own class. */
@Command(
    name = "modernbert",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "ModernBERT on TensorFlow Java: encode documents with any Hugging Face ModernBERT folder.",
    subcommands = {
      EncodeCommand.class,
      RandomCheckpointCommand.class,
      CommandLine.HelpCommand.class
    })
public final class ModernBertCli {

  public static void main(String[] args) {
    System.exit(run(args));
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
