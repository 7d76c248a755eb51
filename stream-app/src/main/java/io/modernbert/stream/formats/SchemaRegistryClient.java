package io.modernbert.stream.formats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modernbert.schemas.DeadLetterReason;
import io.modernbert.stream.errors.InvalidDocumentException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small client of the Confluent Schema Registry REST API, which Confluent's registry, Apicurio's
 * compatibility API ({@code /apis/ccompat/v7}), Redpanda and Karapace all serve: schemas by id and
 * registration under a subject, both cached for the life of the process (a schema id never changes
 * meaning). Basic auth or a bearer token; TLS with the registry's own trust and key stores ({@link
 * TlsContexts}), or the JVM's default trust.
 *
 * <p>A schema id the registry does not know is the record's fault ({@link
 * InvalidDocumentException}, a dead letter); a registry that does not answer is not ({@link
 * RegistryUnavailableException}).
 *
 * <p>Rate limits (429), request timeouts (408), 5xx answers and connection failures are waited out:
 * the request is retried with exponential backoff (or after the registry's {@code Retry-After}),
 * each attempt bounded by the timeout, for up to {@code retryBudget} in all. Only then is the
 * registry unavailable, which never makes a dead letter of the record.
 */
public final class SchemaRegistryClient {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  /** How long transient failures are retried before the registry counts as unavailable. */
  public static final Duration DEFAULT_RETRY_BUDGET = Duration.ofSeconds(30);

  private static final long FIRST_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  /**
   * A schema as the registry stores it: its type ({@code AVRO}, {@code JSON}, {@code PROTOBUF}) and
   * text.
   */
  public record RegisteredSchema(int id, String type, String schema) {}

  private final URI base;
  private final String authorization;
  private final HttpClient http;
  private final Duration timeout;
  private final Duration retryBudget;
  private final Map<Integer, RegisteredSchema> byId = new ConcurrentHashMap<>();
  private final Map<String, Integer> bySubjectAndSchema = new ConcurrentHashMap<>();

  /**
   * @param url the registry's base URL, e.g. {@code http://registry:8081} or Apicurio's {@code
   *     http://registry:8080/apis/ccompat/v7}
   * @param basicAuth {@code user:password}, or null
   */
  public SchemaRegistryClient(String url, String basicAuth, Duration timeout) {
    this(url, basicAuth == null ? null : basic(basicAuth), null, timeout, DEFAULT_RETRY_BUDGET);
  }

  /**
   * As above; transient failures are retried for up to {@code retryBudget} (well below the stream
   * thread's {@code max.poll.interval.ms}, as the thread waits meanwhile).
   */
  public SchemaRegistryClient(
      String url, String basicAuth, Duration timeout, Duration retryBudget) {
    this(url, basicAuth == null ? null : basic(basicAuth), null, timeout, retryBudget);
  }

  /**
   * @param url the registry's base URL
   * @param authorization the {@code Authorization} header's value ({@link #basic}, {@link
   *     #bearer}), or null
   * @param ssl the TLS context for an {@code https} registry (its own trust and key stores), or
   *     null for the JVM's default
   */
  public SchemaRegistryClient(String url, String authorization, SSLContext ssl, Duration timeout) {
    this(url, authorization, ssl, timeout, DEFAULT_RETRY_BUDGET);
  }

  /** As above, retrying transient failures for up to {@code retryBudget}. */
  public SchemaRegistryClient(
      String url, String authorization, SSLContext ssl, Duration timeout, Duration retryBudget) {
    this.retryBudget = retryBudget;
    this.base = URI.create(url.endsWith("/") ? url : url + "/");
    this.authorization = authorization == null || authorization.isBlank() ? null : authorization;
    this.timeout = timeout;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
    if (ssl != null) {
      builder.sslContext(ssl);
    }
    this.http = builder.build();
  }

  /** The header value of basic auth with {@code user:password}. */
  public static String basic(String userAndPassword) {
    return "Basic "
        + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
  }

  /** The header value of a bearer token. */
  public static String bearer(String token) {
    return "Bearer " + token.strip();
  }

  public URI url() {
    return base;
  }

  /** The schema with this id; cached. */
  public RegisteredSchema schemaById(int id) {
    RegisteredSchema cached = byId.get(id);
    if (cached != null) {
      return cached;
    }
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(base.resolve("schemas/ids/" + id)).GET(), "schema " + id);
    if (response.statusCode() == 404) {
      throw new InvalidDocumentException(
          DeadLetterReason.UNDECODABLE,
          "schema id " + id + " is not in the registry at " + base + ": " + response.body());
    }
    JsonNode body = ok(response, "schema " + id);
    RegisteredSchema schema =
        new RegisteredSchema(
            id, body.path("schemaType").asText("AVRO"), body.path("schema").asText());
    byId.put(id, schema);
    return schema;
  }

  /**
   * Registers {@code schema} under {@code subject} (or finds it registered) and returns its id;
   * cached.
   */
  public int register(String subject, String type, String schema) {
    String key = subject + '\u0000' + type + '\u0000' + schema;
    Integer cached = bySubjectAndSchema.get(key);
    if (cached != null) {
      return cached;
    }
    String body;
    try {
      var request = JSON.createObjectNode().put("schema", schema);
      if (!type.equals("AVRO")) {
        request.put("schemaType", type);
      }
      body = JSON.writeValueAsString(request);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    String path = "subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions";
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)),
            "registering " + subject);
    if (response.statusCode() >= 400 && response.statusCode() < 500 && !isTransient(response)) {
      throw new IllegalStateException(
          "the registry at "
              + base
              + " refused the schema for "
              + subject
              + " ("
              + response.statusCode()
              + "): "
              + response.body());
    }
    int id = ok(response, "registering " + subject).path("id").asInt();
    bySubjectAndSchema.put(key, id);
    return id;
  }

  /** Sends the request, retrying transient failures within the retry budget (see above). */
  private HttpResponse<String> send(HttpRequest.Builder request, String what) {
    request.timeout(timeout).header("Accept", CONTENT_TYPE + ", application/json");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpRequest built = request.build();
    long deadline = System.nanoTime() + retryBudget.toNanos();
    long backoff = FIRST_BACKOFF_MS;
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> response = null;
      IOException failure = null;
      try {
        response = http.send(built, HttpResponse.BodyHandlers.ofString());
        if (!isTransient(response)) {
          return response;
        }
      } catch (IOException e) {
        failure = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryUnavailableException(
            "interrupted while asking the schema registry (" + what + ")", e);
      }
      long wait = response == null ? backoff : retryAfterMs(response, backoff);
      if (System.nanoTime() + wait * 1_000_000 > deadline) {
        if (response != null) {
          return response; // the caller reports the last answer as unavailability
        }
        throw new RegistryUnavailableException(
            "the schema registry at " + base + " did not answer (" + what + "): " + failure,
            failure);
      }
      LOG.warn(
          "the schema registry at {} answered {} ({}, attempt {}); retrying in {} ms",
          base,
          response == null ? failure.toString() : response.statusCode(),
          what,
          attempt,
          wait);
      pause(wait, what);
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
  }

  /** Rate limited, timed out or failing: worth another try, and never the record's fault. */
  private static boolean isTransient(HttpResponse<String> response) {
    int status = response.statusCode();
    return status == 429 || status == 408 || status >= 500;
  }

  /** The registry's {@code Retry-After} in seconds, if it says, bounded by the longest backoff. */
  private static long retryAfterMs(HttpResponse<String> response, long backoff) {
    return response
        .headers()
        .firstValue("Retry-After")
        .map(
            value -> {
              try {
                return Math.min(MAX_BACKOFF_MS, Math.max(0, Long.parseLong(value.trim()) * 1000));
              } catch (NumberFormatException e) {
                return backoff; // an HTTP date: not worth parsing for a wait this short
              }
            })
        .orElse(backoff);
  }

  private static void pause(long millis, String what) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException(
          "interrupted while waiting for the schema registry (" + what + ")", e);
    }
  }

  private JsonNode ok(HttpResponse<String> response, String what) {
    if (isTransient(response) || response.statusCode() == 401 || response.statusCode() == 403) {
      throw new RegistryUnavailableException(
          "the schema registry at "
              + base
              + " answered "
              + response.statusCode()
              + " ("
              + what
              + "): "
              + response.body(),
          null);
    }
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "unexpected answer "
              + response.statusCode()
              + " from the schema registry at "
              + base
              + " ("
              + what
              + "): "
              + response.body());
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new RegistryUnavailableException(
          "the schema registry at " + base + " answered with something not JSON (" + what + ")", e);
    }
  }
}
