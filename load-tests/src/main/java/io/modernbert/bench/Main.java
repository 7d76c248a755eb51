package io.modernbert.bench;

import io.modernbert.load.LoadCommand;
import io.modernbert.model.cli.ModernBertCli;
import java.io.PrintWriter;
import picocli.CommandLine;

/** {@code bin/modernbert}: the model's commands plus {@code bench}, which lives in this module. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    CommandLine cli = ModernBertCli.commandLine(new PrintWriter(System.err, true));
    cli.addSubcommand("bench", new BenchCommand());
    cli.addSubcommand("load", new LoadCommand());
    System.exit(cli.execute(args));
  }
}
