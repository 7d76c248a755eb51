package io.modernbert.stream.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds Apicurio Registry from {@code deploy/local/apicurio} when its runner jar is missing (about
 * 15 s, 50 s cold).
 */
final class ApicurioBuild {
  static final String JAR = "target/local-apicurio-registry-2.4.2.Final-runner.jar";

  private ApicurioBuild() {}

  static synchronized Path runnableJar(Path build) throws IOException, InterruptedException {
    Path jar = build.resolve(JAR);
    if (Files.isRegularFile(jar)) {
      return jar;
    }
    Path wrapper = build.resolve("../../../mvnw").normalize();
    Path log = Files.createTempFile("apicurio-build-", ".log");
    Process maven =
        new ProcessBuilder(
                List.of(
                    wrapper.toString(),
                    "-q",
                    "-B",
                    "-f",
                    build.resolve("pom.xml").toString(),
                    "package"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!maven.waitFor(15, TimeUnit.MINUTES)
        || maven.exitValue() != 0
        || !Files.isRegularFile(jar)) {
      maven.destroyForcibly();
      throw new IllegalStateException(
          "building Apicurio Registry ("
              + String.join(" ", maven.info().commandLine().orElse("mvnw"))
              + ") failed; its log: "
              + log
              + "\n"
              + Files.readString(log));
    }
    return jar;
  }

  static List<String> command(Path jar, int port) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(
        java,
        "-Xmx384m",
        "-Dquarkus.http.port=" + port,
        "-Dquarkus.http.host=127.0.0.1",
        "-jar",
        jar.toString());
  }
}
