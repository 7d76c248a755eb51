package io.modernbert.stream;

import picocli.CommandLine;

/**
 * {@code modernbert-stream run} whose model fails on every pass, probe included, as a broken
 * checkpoint or an exhausted machine would: for the test that the process exits non-zero instead of
 * looping. Arguments are those of {@code run}.
 */
public final class BrokenModelMain {
  private BrokenModelMain() {}

  public static void main(String[] args) {
    StreamMain.Run run = new StreamMain.Run();
    run.passRunner =
        real ->
            (documents, plan, hiddenStates, onPacked) -> {
              throw new IllegalStateException("injected: the model does not run");
            };
    System.exit(new CommandLine(run).execute(args));
  }
}
