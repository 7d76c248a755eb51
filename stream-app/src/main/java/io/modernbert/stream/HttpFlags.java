package io.modernbert.stream;

import io.modernbert.stream.http.ApiKeys;
import io.modernbert.stream.http.HttpSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The HTTP API's listening and access options, shared by {@code run} and {@code demo}; in {@code
 * run} each also comes from {@code MODERNBERT_<OPTION>} or the properties file (see {@link
 * SettingsDefaults}), e.g. {@code MODERNBERT_API_KEYS_FILE}.
 */
final class HttpFlags {
  @Option(
      names = "--http-host",
      description = "Bind address of the HTTP API (default: 0.0.0.0 for run, 127.0.0.1 for demo).")
  String host;

  @Option(
      names = "--api-keys",
      split = ",",
      description = "Comma-separated API keys the HTTP API accepts (with --api-keys-file: both).")
  List<String> apiKeys = new ArrayList<>();

  @Option(
      names = "--api-keys-file",
      description = {
        "File of API keys, one per line, # comments; read again within a second when it changes.",
        "An API with keys answers 401 without one on every route but /health, /ready, /openapi.json."
      })
  Path apiKeysFile;

  @Option(
      names = "--allow-unauthenticated",
      description =
          "Serve the HTTP API without keys on an address other than loopback (refused otherwise).")
  boolean allowUnauthenticated;

  @Option(
      names = "--http-tls-cert",
      description = "PEM certificate chain: serve HTTPS (with --http-tls-key).")
  Path tlsCert;

  @Option(names = "--http-tls-key", description = "PEM private key of --http-tls-cert.")
  Path tlsKey;

  @Option(
      names = "--metrics-port",
      defaultValue = "-1",
      description = {
        "Serve /metrics, without keys, on this port only (default: -1, /metrics on the API port,",
        "behind the keys)."
      })
  int metricsPort;

  @Option(
      names = "--cors-origins",
      split = ",",
      description =
          "Origins browsers may call the API from (CORS), e.g. https://app.example.com"
              + " (default: none; browsers' cross-origin requests answer 403).")
  List<String> corsOrigins = new ArrayList<>();

  @Option(
      names = "--http-idle-timeout-s",
      defaultValue = "90",
      description = "Close a connection idle this long (default ${DEFAULT-VALUE} s).")
  long idleTimeoutSeconds;

  @Option(
      names = "--http-read-timeout-ms",
      defaultValue = "30000",
      description = {
        "A connection's first request headers, and each request body, must arrive within this",
        "(default ${DEFAULT-VALUE} ms; a late body answers 408)."
      })
  long readTimeoutMs;

  /** The settings for {@code port}, on {@code defaultHost} unless {@code --http-host} says. */
  HttpSettings settings(int port, String defaultHost) {
    return new HttpSettings(
        host != null ? host : defaultHost,
        port,
        metricsPort,
        tlsCert,
        tlsKey,
        Duration.ofSeconds(idleTimeoutSeconds),
        Duration.ofMillis(readTimeoutMs),
        ApiKeys.of(apiKeys, apiKeysFile),
        corsOrigins,
        allowUnauthenticated);
  }
}
