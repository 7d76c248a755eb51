package io.modernbert.stream.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.modernbert.stream.config.AppConfig;
import io.modernbert.stream.security.TestCertificates;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client over real HTTPS on loopback: its own trust store (the test's CA, not the
 * JVM's), a client certificate when the registry requires one, and a bearer token.
 */
class SchemaRegistryTlsTest {
  private static final String TOKEN = "registry-token-123";
  private static final String SCHEMA =
      "{\"schema\":\"{\\\"type\\\":\\\"string\\\"}\",\"schemaType\":\"AVRO\"}";

  @TempDir Path work;
  private TestCertificates certificates;
  private HttpsServer server;

  @BeforeEach
  void startRegistry() throws Exception {
    certificates = TestCertificates.newAuthority(work);
    SSLContext serverContext =
        TlsContexts.of(
            new AppConfig.TlsStores(
                certificates.trustStore(),
                TestCertificates.PASSWORD,
                certificates.brokerKeyStore(),
                TestCertificates.PASSWORD));
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(
        new HttpsConfigurator(serverContext) {
          @Override
          public void configure(HttpsParameters parameters) {
            SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
            ssl.setNeedClientAuth(true);
            parameters.setSSLParameters(ssl);
          }
        });
    server.createContext(
        "/schemas/ids/7",
        exchange -> {
          boolean authorized =
              ("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body =
              (authorized ? SCHEMA : "{\"error_code\":401}").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(authorized ? 200 : 401, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stopRegistry() {
    server.stop(0);
  }

  @Test
  void shouldReadASchemaWithItsOwnTrustStoreClientCertificateAndBearerToken() throws Exception {
    SchemaRegistryClient client = client(certificates.clientKeyStore("modernbert"), TOKEN);

    assertThat(client.schemaById(7).schema()).isEqualTo("{\"type\":\"string\"}");
  }

  @Test
  void shouldTreatARefusedTokenAsTheRegistryBeingUnavailableNotAsABadRecord() throws Exception {
    SchemaRegistryClient client = client(certificates.clientKeyStore("modernbert"), "wrong");

    assertThatThrownBy(() -> client.schemaById(7))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("401");
  }

  @Test
  void shouldNotConnectWithoutTheClientCertificate() {
    SchemaRegistryClient client = client(null, TOKEN);

    assertThatThrownBy(() -> client.schemaById(7))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("did not answer");
  }

  private SchemaRegistryClient client(Path keyStore, String token) {
    try {
      return new SchemaRegistryClient(
          "https://127.0.0.1:" + server.getAddress().getPort(),
          SchemaRegistryClient.bearer(token),
          TlsContexts.of(
              new AppConfig.TlsStores(
                  certificates.trustStore(),
                  TestCertificates.PASSWORD,
                  keyStore,
                  keyStore == null ? null : TestCertificates.PASSWORD)),
          Duration.ofSeconds(5),
          Duration.ofMillis(500)); // refusals are retried: not for long in a test
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
