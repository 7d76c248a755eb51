package io.modernbert.stream;

import java.util.Arrays;
import java.util.Map;
import java.util.function.UnaryOperator;
import picocli.CommandLine;

/**
 * {@code modernbert-stream run} or {@code demo} with an {@link Error} injected where nothing can
 * contain it: on the scheduler's thread (the model's pass throws it) or on a stream thread (a
 * consumer interceptor throws it from {@code poll}), each when a document whose key is {@value
 * InjectedErrorInterceptor#TRIGGER} arrives. For the test that the process then exits non-zero.
 *
 * <p>Arguments: {@code run|demo scheduler|stream-thread}, then the command's own arguments.
 */
public final class ErrorInjectingMain {
  private ErrorInjectingMain() {}

  /** What the test injects: an Error no handler of ours expects. */
  public static final class InjectedError extends Error {
    public InjectedError(String where) {
      super("injected error on " + where);
    }
  }

  public static void main(String[] args) {
    String command = args[0];
    boolean onScheduler = args[1].equals("scheduler");
    String[] rest = Arrays.copyOfRange(args, 2, args.length);
    UnaryOperator<io.modernbert.stream.scheduler.PassRunner> passRunner =
        real ->
            onScheduler
                ? (documents, plan, hiddenStates, onPacked) -> {
                  if (documents.stream()
                      .anyMatch(d -> d.id().startsWith(InjectedErrorInterceptor.TRIGGER))) {
                    throw new InjectedError(Thread.currentThread().getName());
                  }
                  return real.run(documents, plan, hiddenStates, onPacked);
                }
                : real;
    Map<String, String> interceptor =
        onScheduler
            ? Map.of()
            : Map.of("main.consumer.interceptor.classes", InjectedErrorInterceptor.class.getName());
    Object target;
    if (command.equals("run")) {
      StreamMain.Run run = new StreamMain.Run();
      run.passRunner = passRunner;
      target = run;
      if (!onScheduler) {
        rest =
            append(
                rest,
                "--streams-config",
                "main.consumer.interceptor.classes=" + InjectedErrorInterceptor.class.getName());
      }
    } else {
      DemoCommand demo = new DemoCommand();
      demo.passRunner = passRunner;
      demo.configOverride = config -> config.withStreamsOverrides(interceptor);
      target = demo;
    }
    System.exit(new CommandLine(target).execute(rest));
  }

  private static String[] append(String[] args, String... more) {
    String[] all = Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
