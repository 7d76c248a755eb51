package io.modernbert.stream.http;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where and how the HTTP API listens, and who may call it.
 *
 * @param host bind address ({@code 0.0.0.0}: every interface)
 * @param port HTTP port (0: any free one)
 * @param metricsPort {@code /metrics} on a port of its own, without keys; -1: on {@code port},
 *     behind the keys like every other route
 * @param tlsCert PEM certificate chain; with {@code tlsKey}, HTTPS instead of HTTP; null: plaintext
 * @param tlsKey PEM private key (PKCS#8 or PKCS#1)
 * @param idleTimeout a connection with no traffic for this long is closed
 * @param readTimeout a connection's first request must have sent its headers within this, and every
 *     request its body within this after its headers; otherwise 408 (body) or the connection closes
 *     (headers)
 * @param keys the API keys; see {@link ApiKeys}
 * @param corsOrigins origins allowed to call from a browser (CORS); empty: browsers' cross-origin
 *     requests are refused
 * @param allowUnauthenticated serve without keys on an address other than loopback
 */
public record HttpSettings(
    String host,
    int port,
    int metricsPort,
    Path tlsCert,
    Path tlsKey,
    Duration idleTimeout,
    Duration readTimeout,
    ApiKeys keys,
    List<String> corsOrigins,
    boolean allowUnauthenticated) {
  public static final String LOOPBACK = "127.0.0.1";
  public static final String ALL_INTERFACES = "0.0.0.0";
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(90);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  public HttpSettings {
    corsOrigins = List.copyOf(corsOrigins);
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException(
          "TLS needs both --http-tls-cert and --http-tls-key (PEM files), or neither");
    }
  }

  /** Plain HTTP on loopback, no keys, default timeouts: the demo's and the tests' server. */
  public static HttpSettings loopback(int port) {
    return new HttpSettings(
        LOOPBACK,
        port,
        -1,
        null,
        null,
        DEFAULT_IDLE_TIMEOUT,
        DEFAULT_READ_TIMEOUT,
        ApiKeys.none(),
        List.of(),
        false);
  }

  public HttpSettings withKeys(ApiKeys value) {
    return new HttpSettings(
        host,
        port,
        metricsPort,
        tlsCert,
        tlsKey,
        idleTimeout,
        readTimeout,
        value,
        corsOrigins,
        allowUnauthenticated);
  }

  public HttpSettings withReadTimeout(Duration value) {
    return new HttpSettings(
        host,
        port,
        metricsPort,
        tlsCert,
        tlsKey,
        idleTimeout,
        value,
        keys,
        corsOrigins,
        allowUnauthenticated);
  }

  public HttpSettings withCorsOrigins(List<String> value) {
    return new HttpSettings(
        host,
        port,
        metricsPort,
        tlsCert,
        tlsKey,
        idleTimeout,
        readTimeout,
        keys,
        value,
        allowUnauthenticated);
  }

  public HttpSettings withTls(Path cert, Path key) {
    return new HttpSettings(
        host,
        port,
        metricsPort,
        cert,
        key,
        idleTimeout,
        readTimeout,
        keys,
        corsOrigins,
        allowUnauthenticated);
  }

  public HttpSettings withMetricsPort(int value) {
    return new HttpSettings(
        host,
        port,
        value,
        tlsCert,
        tlsKey,
        idleTimeout,
        readTimeout,
        keys,
        corsOrigins,
        allowUnauthenticated);
  }

  /** Whether {@code /metrics} is served on a port of its own. */
  public boolean separateMetrics() {
    return metricsPort >= 0;
  }

  /**
   * Refuses what would expose an open API: no keys on an address other than loopback, unless
   * explicitly allowed; and TLS files that do not exist.
   */
  public void validate() {
    if (!keys.required() && !allowUnauthenticated && !loopback(host)) {
      throw new IllegalArgumentException(
          "refusing to serve the HTTP API without API keys on "
              + host
              + ": give --api-keys-file FILE (MODERNBERT_API_KEYS_FILE) or --api-keys,"
              + " bind --http-host 127.0.0.1, or pass --allow-unauthenticated");
    }
    for (Path file : new Path[] {tlsCert, tlsKey}) {
      if (file != null && !Files.isReadable(file)) {
        throw new IllegalArgumentException("cannot read the TLS file " + file);
      }
    }
  }

  /** Vert.x server options for {@code port}: bind address, idle timeout, TLS. */
  public HttpServerOptions serverOptions(int listenPort) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(host)
            .setPort(listenPort)
            // HTTP/1.1 only: no h2c upgrade sniffing, so every connection is an HTTP/1.1
            // connection from its first byte (and the read timeout applies to it at once).
            .setHttp2ClearTextEnabled(false)
            .setIdleTimeout(Math.toIntExact(idleTimeout.toMillis()))
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    if (tlsCert != null) {
      options
          .setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(tlsCert.toString())
                  .setKeyPath(tlsKey.toString()));
    }
    return options;
  }

  static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve the HTTP bind address " + host, e);
    }
  }
}
