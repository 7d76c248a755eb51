package io.modernbert.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the command-line tools the deployment tests drive (docker, docker-compose, kubectl, node,
 * npm).
 */
final class Commands {
  private Commands() {}

  record Result(int exitCode, String output) {}

  /** Runs {@code command} in {@code directory}; fails with its output unless it exits 0. */
  static String run(
      Path directory, Map<String, String> environment, Duration timeout, List<String> command) {
    Result result = tryRun(directory, environment, timeout, command, null);
    if (result.exitCode() != 0) {
      throw new AssertionError(
          String.join(" ", command) + " exited " + result.exitCode() + ":\n" + result.output());
    }
    return result.output();
  }

  /**
   * Runs {@code command} with {@code input} on its standard input; output is stdout and stderr
   * merged.
   */
  static Result tryRun(
      Path directory,
      Map<String, String> environment,
      Duration timeout,
      List<String> command,
      String input) {
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
      builder.environment().putAll(environment);
      Process process = builder.start();
      if (input != null) {
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
      }
      process.getOutputStream().close();
      // Read while it runs: a full pipe would block the process.
      var output = new java.io.ByteArrayOutputStream();
      Thread reader =
          new Thread(
              () -> {
                try {
                  process.getInputStream().transferTo(output);
                } catch (IOException ignored) {
                  // the process was killed
                }
              });
      reader.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        reader.join(5_000);
        throw new AssertionError(
            String.join(" ", command) + " did not finish within " + timeout + ":\n" + output);
      }
      reader.join();
      return new Result(process.exitValue(), output.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  static boolean available(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Skips the test when {@code tool} is missing, unless the environment variable {@code required}
   * is true (CI sets it): then a missing tool fails the test, so it can never pass by skipping.
   */
  static void requireOrSkip(String required, String tool, boolean present) {
    if (!present && Boolean.parseBoolean(System.getenv(required))) {
      throw new AssertionError(required + "=true but " + tool + " is not available");
    }
    Assumptions.assumeTrue(
        present, tool + " is not available (set " + required + "=true to make that a failure)");
  }
}
