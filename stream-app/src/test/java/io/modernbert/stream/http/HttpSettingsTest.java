package io.modernbert.stream.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTTP API refuses to listen open beyond loopback unless told to. */
class HttpSettingsTest {
  private static HttpSettings on(String host, ApiKeys keys, boolean allowUnauthenticated) {
    return new HttpSettings(
        host,
        8080,
        -1,
        null,
        null,
        Duration.ofSeconds(90),
        Duration.ofSeconds(30),
        keys,
        List.of(),
        allowUnauthenticated);
  }

  @Test
  void shouldRefuseAnOpenApiOnEveryInterface() {
    assertThatThrownBy(() -> on("0.0.0.0", ApiKeys.none(), false).validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without API keys on 0.0.0.0")
        .hasMessageContaining("--api-keys-file")
        .hasMessageContaining("--allow-unauthenticated");
  }

  @Test
  void shouldServeAnOpenApiOnLoopback() {
    assertThatCode(() -> on("127.0.0.1", ApiKeys.none(), false).validate())
        .doesNotThrowAnyException();
    assertThatCode(() -> on("localhost", ApiKeys.none(), false).validate())
        .doesNotThrowAnyException();
    assertThatCode(() -> on("::1", ApiKeys.none(), false).validate()).doesNotThrowAnyException();
  }

  @Test
  void shouldServeEverywhereWithKeysOrWhenExplicitlyAllowed() {
    assertThatCode(() -> on("0.0.0.0", ApiKeys.of(List.of("k"), null), false).validate())
        .doesNotThrowAnyException();
    assertThatCode(() -> on("0.0.0.0", ApiKeys.none(), true).validate()).doesNotThrowAnyException();
  }

  @Test
  void shouldNeedBothTlsFiles() {
    assertThatThrownBy(() -> HttpSettings.loopback(0).withTls(Path.of("cert.pem"), null))
        .hasMessageContaining("--http-tls-cert and --http-tls-key");
    assertThatThrownBy(
            () ->
                HttpSettings.loopback(0)
                    .withTls(Path.of("/nonexistent/cert.pem"), Path.of("/nonexistent/key.pem"))
                    .validate())
        .hasMessageContaining("cannot read the TLS file /nonexistent/cert.pem");
  }

  @Test
  void shouldBindTheHostAndSetTheIdleTimeout() {
    var options = on("127.0.0.1", ApiKeys.none(), false).serverOptions(1234);

    assertThat(options.getHost()).isEqualTo("127.0.0.1");
    assertThat(options.getPort()).isEqualTo(1234);
    assertThat(options.getIdleTimeoutUnit().toMillis(options.getIdleTimeout())).isEqualTo(90_000);
    assertThat(options.isSsl()).isFalse();
    assertThat(options.isHttp2ClearTextEnabled())
        .as("no h2c sniffing, which hides a connection until its request line")
        .isFalse();
  }
}
