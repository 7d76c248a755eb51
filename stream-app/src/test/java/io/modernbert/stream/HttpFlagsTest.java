package io.modernbert.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modernbert.stream.http.HttpSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The HTTP options of {@code run}, from flags or the environment as every other option. */
class HttpFlagsTest {
  @TempDir Path dir;

  private static StreamMain.Run parse(Map<String, String> environment, String... args) {
    StreamMain.Run run = new StreamMain.Run();
    CommandLine cli = new CommandLine(run);
    cli.setDefaultValueProvider(new SettingsDefaults(environment));
    cli.parseArgs(args);
    return run;
  }

  @Test
  void shouldTakeKeysFileKeysAndOriginsFromTheEnvironment() throws Exception {
    Path keys = Files.writeString(dir.resolve("api-keys"), "from-file\n");
    StreamMain.Run run =
        parse(
            Map.of(
                "MODERNBERT_API_KEYS_FILE", keys.toString(),
                "MODERNBERT_API_KEYS", "env-1,env-2",
                "MODERNBERT_CORS_ORIGINS", "https://a.example,https://b.example",
                "MODERNBERT_METRICS_PORT", "9404"),
            "--bootstrap-servers=k:9092",
            "--model=m");

    HttpSettings settings = run.httpFlags.settings(8080, HttpSettings.ALL_INTERFACES);

    assertThat(settings.host()).isEqualTo("0.0.0.0");
    assertThat(settings.metricsPort()).isEqualTo(9404);
    assertThat(settings.corsOrigins()).containsExactly("https://a.example", "https://b.example");
    assertThat(settings.keys().accepts("from-file")).isTrue();
    assertThat(settings.keys().accepts("env-2")).isTrue();
    settings.validate();
  }

  @Test
  void shouldRefuseRunWithoutKeysOnEveryInterfaceUnlessAllowed() {
    StreamMain.Run open = parse(Map.of(), "--bootstrap-servers=k:9092", "--model=m");
    StreamMain.Run allowed =
        parse(
            Map.of("MODERNBERT_ALLOW_UNAUTHENTICATED", "true"),
            "--bootstrap-servers=k:9092",
            "--model=m");
    StreamMain.Run loopback =
        parse(Map.of(), "--bootstrap-servers=k:9092", "--model=m", "--http-host=127.0.0.1");

    assertThatThrownBy(() -> open.httpFlags.settings(8080, HttpSettings.ALL_INTERFACES).validate())
        .hasMessageContaining("refusing to serve the HTTP API without API keys");
    allowed.httpFlags.settings(8080, HttpSettings.ALL_INTERFACES).validate();
    loopback.httpFlags.settings(8080, HttpSettings.ALL_INTERFACES).validate();
    assertThat(allowed.httpFlags.allowUnauthenticated).isTrue();
    assertThat(loopback.httpFlags.settings(8080, HttpSettings.ALL_INTERFACES).host())
        .isEqualTo("127.0.0.1");
  }
}
