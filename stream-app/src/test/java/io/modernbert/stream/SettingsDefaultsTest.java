package io.modernbert.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code run} takes its settings from flags, then the environment, then a properties file. */
class SettingsDefaultsTest {
  @TempDir Path dir;

  private StreamMain.Run parse(Map<String, String> environment, String... args) {
    StreamMain.Run run = new StreamMain.Run();
    CommandLine cli = new CommandLine(run);
    cli.setDefaultValueProvider(new SettingsDefaults(environment));
    cli.parseArgs(args);
    return run;
  }

  @Test
  void shouldTakeFlagsThenEnvironmentThenPropertiesFileThenDefaults() throws Exception {
    Path file = dir.resolve("modernbert.properties");
    Files.writeString(
        file,
        "bootstrap-servers=file:9092\nmodel=/models/from-file\nmax-wait-ms=75\nhttp-port=9999\n");
    Map<String, String> environment =
        Map.of(
            SettingsDefaults.CONFIG_FILE_VARIABLE,
            file.toString(),
            "MODERNBERT_BOOTSTRAP_SERVERS",
            "env:9092",
            "MODERNBERT_HTTP_PORT",
            "7070");

    StreamMain.Run run = parse(environment, "--http-port", "6060");

    assertThat(run.httpPort).as("flag").isEqualTo(6060);
    assertThat(run.bootstrapServers).as("environment").isEqualTo("env:9092");
    assertThat(run.model).as("properties file").isEqualTo(Path.of("/models/from-file"));
    assertThat(run.maxWaitMs).as("properties file").isEqualTo(75);
    assertThat(run.documentsTopic).as("default").isEqualTo("documents");
  }

  @Test
  void shouldNameAnUnreadablePropertiesFile() {
    assertThatThrownBy(
            () ->
                new SettingsDefaults(
                    Map.of(
                        SettingsDefaults.CONFIG_FILE_VARIABLE,
                        dir.resolve("missing.properties").toString())))
        .hasMessageContaining("MODERNBERT_CONFIG=")
        .hasMessageContaining("missing.properties");
  }
}
