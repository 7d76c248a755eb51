package io.modernbert.stream.e2e;

import io.modernbert.stream.StreamFixtures;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Schema Registry for the tests: Apicurio Registry 2.4.2 with in-memory storage, built from
 * Maven Central by {@code deploy/local/apicurio} (built here on first use), run as a child process.
 * Its Confluent-compatible API is at {@link #url()}. {@link #pause()} freezes the process
 * (SIGSTOP): to its clients the registry is down, and {@link #resume()} brings it back with its
 * schemas.
 */
final class ApicurioRegistry implements AutoCloseable {
  private static final Path BUILD = StreamFixtures.REPO.resolve("deploy/local/apicurio");

  private final Process process;
  private final int port;
  private final Path log;

  private ApicurioRegistry(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static ApicurioRegistry start() throws Exception {
    Path jar = ApicurioBuild.runnableJar(BUILD);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path log = Files.createTempFile("apicurio-", ".log");
    Process process =
        new ProcessBuilder(ApicurioBuild.command(jar, port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    ApicurioRegistry registry = new ApicurioRegistry(process, port, log);
    registry.awaitReady(Duration.ofSeconds(90));
    return registry;
  }

  String url() {
    return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
  }

  private void awaitReady(Duration timeout) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Apicurio Registry exited; its log: " + log + "\n" + tail());
      }
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    close();
    throw new IllegalStateException(
        "Apicurio Registry not ready within " + timeout + "; its log: " + log + "\n" + tail());
  }

  void pause() throws Exception {
    signal("-STOP");
  }

  void resume() throws Exception {
    signal("-CONT");
  }

  private void signal(String signal) throws Exception {
    Process kill =
        new ProcessBuilder(List.of("kill", signal, Long.toString(process.pid())))
            .inheritIO()
            .start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
    }
  }

  private String tail() throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  @Override
  public void close() throws Exception {
    signal("-CONT"); // a paused process would not see the termination
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
