package io.modernbert.stream.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modernbert.stream.StreamFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a few requests may cost, over real sockets on loopback against the running application: slow
 * clients, trickled bodies, a 1 MiB {@code /tokenize}, the per-route caps.
 */
class HttpResourceLimitsIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EMBED = "{\"inputs\":\"Impossible d'ouvrir le fichier.\"}";

  @TempDir static Path dataDir;
  private static HttpTestServer fixture;

  @BeforeAll
  static void start() throws Exception {
    fixture = HttpTestServer.start(dataDir, "http-limits");
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  /** Milliseconds one {@code /embed} took, after checking that it answered 200. */
  private static long timedEmbed(int port) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = fixture.send(port, "POST", "/embed", EMBED);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return millis;
  }

  private static Socket connect(int port, String head) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(5_000);
    socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  /** Everything the server sends until it closes the connection (or 5 s of silence). */
  private static String readUntilClosed(Socket socket) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        all.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      all.write("<still open>".getBytes(StandardCharsets.US_ASCII));
    }
    return all.toString(StandardCharsets.UTF_8);
  }

  @Test
  void shouldAnswerEmbedWithinOneSecondWhile300SlowClientsTrickleHeadersAndBodies()
      throws Exception {
    // 240 bodies trickled against 128 slots: were slots taken before the body, none would be left.
    HttpLimits limits = HttpLimits.defaults().withMaxInFlight(128);
    HttpSettings settings = HttpSettings.loopback(0).withReadTimeout(Duration.ofSeconds(20));
    try (HttpService http = fixture.serve(settings, limits)) {
      for (int i = 0; i < 3; i++) {
        timedEmbed(http.port()); // compiles the serving shape before the clock matters
      }
      List<Socket> slow = new ArrayList<>();
      ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
      AtomicInteger failedWrites = new AtomicInteger();
      try {
        for (int i = 0; i < 300; i++) {
          slow.add(
              connect(
                  http.port(),
                  i % 5 == 0
                      ? "POST /embed HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                      : "POST /embed HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                          + "\r\nContent-Length: 100000\r\n\r\n{\"inputs\":\""));
        }
        trickle.scheduleAtFixedRate(
            () -> {
              for (Socket socket : slow) {
                try {
                  OutputStream out = socket.getOutputStream();
                  out.write('a');
                  out.flush();
                } catch (IOException e) {
                  failedWrites.incrementAndGet();
                }
              }
            },
            0,
            100,
            TimeUnit.MILLISECONDS);
        Thread.sleep(1_000);

        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          millis.add(timedEmbed(http.port()));
        }
        System.out.printf(
            "300 slow clients: 20 /embed, max %d ms, all %s ms%n",
            millis.stream().mapToLong(Long::longValue).max().orElseThrow(), millis);

        assertThat(millis).allMatch(ms -> ms < 1_000);
        assertThat(failedWrites.get()).as("slow clients still connected").isZero();
      } finally {
        trickle.shutdownNow();
        for (Socket socket : slow) {
          socket.close();
        }
      }
    }
  }

  @Test
  void shouldAnswer408AndCloseWhenABodyTricklesPastTheReadTimeout() throws Exception {
    HttpSettings settings = HttpSettings.loopback(0).withReadTimeout(Duration.ofSeconds(1));
    try (HttpService http = fixture.serve(settings, HttpLimits.defaults());
        Socket body =
            connect(
                http.port(),
                "POST /embed HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{\"in");
        Socket headers = connect(http.port(), "POST /embed HTTP/1.1\r\nHost: 127.0.0.1\r\n")) {
      long start = System.nanoTime();
      String answer = readUntilClosed(body);
      long bodyMillis = (System.nanoTime() - start) / 1_000_000;
      String headersAnswer = readUntilClosed(headers);
      long headersMillis = (System.nanoTime() - start) / 1_000_000;
      System.out.printf(
          "trickled body: 408 and closed after %d ms; trickled headers: closed after %d ms%n",
          bodyMillis, headersMillis);

      assertThat(answer).startsWith("HTTP/1.1 408").contains("\"error_type\":\"Timeout\"");
      assertThat(answer).doesNotContain("<still open>");
      assertThat(headersAnswer).as("closed without an answer").isEmpty();
      assertThat(bodyMillis).isBetween(900L, 3_000L);
      assertThat(headersMillis).isLessThan(3_000L);
    }
  }

  @Test
  void shouldTokenizeOneMebibyteWithinTwoSecondsAndKeepAnswering() throws Exception {
    List<String> sentences = StreamFixtures.sentences();
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < (1 << 20); i++) {
      text.append(sentences.get(i % sentences.size())).append(' ');
    }
    while (text.toString().getBytes(StandardCharsets.UTF_8).length > (1 << 20)) {
      text.setLength(text.length() - 1000);
    }
    String body = JSON.writeValueAsString(JSON.createObjectNode().put("inputs", text.toString()));
    int bytes = text.toString().getBytes(StandardCharsets.UTF_8).length;

    try (HttpService capped = fixture.serve(HttpSettings.loopback(0), HttpLimits.defaults());
        HttpService uncapped =
            fixture.serve(
                HttpSettings.loopback(0), HttpLimits.defaults().withMaxTokenizeTokens(1 << 22))) {
      timedEmbed(capped.port());
      long start = System.nanoTime();
      HttpResponse<String> defaults = send(capped.port(), "/tokenize", body);
      long cappedMillis = (System.nanoTime() - start) / 1_000_000;

      // With the token cap lifted, the whole answer; /embed answers meanwhile.
      long fullStart = System.nanoTime();
      CompletableFuture<HttpResponse<String>> tokenizing =
          CompletableFuture.supplyAsync(() -> send(uncapped.port(), "/tokenize", body));
      List<Long> embedMillis = new ArrayList<>();
      while (!tokenizing.isDone() && embedMillis.size() < 50) {
        embedMillis.add(timedEmbed(uncapped.port()));
      }
      HttpResponse<String> full = tokenizing.get(60, TimeUnit.SECONDS);
      long fullMillis = (System.nanoTime() - fullStart) / 1_000_000;
      JsonNode tokens = JSON.readTree(full.body()).get(0);
      System.out.printf(
          "/tokenize of %d bytes: default limits %d in %d ms;"
              + " without the token cap %d with %d tokens in %d ms, /embed meanwhile %s ms%n",
          bytes,
          defaults.statusCode(),
          cappedMillis,
          full.statusCode(),
          tokens.size(),
          fullMillis,
          embedMillis);

      assertThat(defaults.statusCode()).isIn(200, 413);
      assertThat(cappedMillis).isLessThan(2_000);
      assertThat(embedMillis).isNotEmpty().allMatch(ms -> ms < 1_000);
      assertThat(full.statusCode()).isEqualTo(200);
      // Linear: the quadratic offsets (a scan from the start per token) took minutes for this.
      assertThat(fullMillis).isLessThan(20_000);
      assertThat(tokens.size()).isGreaterThan(1 << 16);
      assertThat(tokens.get(tokens.size() - 2).path("stop").asInt()).isLessThanOrEqualTo(bytes);
    }
  }

  private static HttpResponse<String> send(int port, String path, String body) {
    try {
      return fixture.send(port, "POST", path, body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void shouldAnswer413ForEachRoutesCapsBeforeAnyWork() throws Exception {
    HttpLimits limits = HttpLimits.defaults().withMaxItems(5).withMaxEmbedAllValues(1_000);
    try (HttpService http = fixture.serve(HttpSettings.loopback(0), limits);
        Socket declared =
            connect(
                http.port(),
                "POST /tokenize HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50000000\r\n\r\n")) {
      StringBuilder ids = new StringBuilder("{\"ids\":[1");
      ids.append(",1".repeat(70_000)).append("]}");
      StringBuilder ndjson = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        ndjson.append("{\"id\":\"d").append(i).append("\",\"text\":\"t\"}\n");
      }
      HttpResponse<String> embedAll =
          fixture.send(http.port(), "POST", "/embed_all", "{\"inputs\":[\"a b c d e f g\"]}");
      HttpResponse<String> decode = fixture.send(http.port(), "POST", "/decode", ids.toString());
      HttpResponse<String> items =
          fixture.send(http.port(), "POST", "/v1/documents", ndjson.toString());

      assertThat(readUntilClosed(declared)).as("by Content-Length").startsWith("HTTP/1.1 413");
      assertThat(embedAll.statusCode()).as(embedAll.body()).isEqualTo(413);
      assertThat(embedAll.body()).contains("the limit is 1000 ");
      assertThat(decode.statusCode()).as(decode.body()).isEqualTo(413);
      assertThat(items.statusCode()).as(items.body()).isEqualTo(413);
      assertThat(items.body()).contains("more than 5 documents");
    }
  }
}
