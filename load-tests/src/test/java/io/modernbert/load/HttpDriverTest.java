package io.modernbert.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against a small in-JVM HTTP server that answers like /embed: 200 [[...]], or 503 for texts saying
 * "fail".
 */
class HttpDriverTest {
  private HttpServer server;
  private final ConcurrentLinkedQueue<String> inputs = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext(
        "/embed",
        exchange -> {
          maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          try {
            Thread.sleep(20); // a model pass
            String text =
                new ObjectMapper().readTree(exchange.getRequestBody()).path("inputs").asText();
            inputs.add(text);
            boolean fail = text.contains("fail");
            byte[] body =
                (fail ? "{\"error\":\"busy\"}" : "[[0.1,0.2]]").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(fail ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            inFlight.decrementAndGet();
            exchange.close();
          }
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static List<LoadDocument> documents(int count, int failing) {
    List<LoadDocument> documents = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      documents.add(new LoadDocument("load-t-" + i, (i < failing ? "fail " : "ok ") + i, 4));
    }
    return documents;
  }

  @Test
  void shouldSendEveryDocumentOnceAndCountErrorsByStatus() throws Exception {
    HttpDriver driver = new HttpDriver(base(), 4, Duration.ofSeconds(10));
    LatencyStats stats = new LatencyStats(System.nanoTime());

    driver.run(documents(24, 3), Timeline.burst(), stats);

    assertThat(inputs).hasSize(24).doesNotHaveDuplicates();
    assertThat(driver.sent()).isEqualTo(24);
    assertThat(stats.count()).as("good answers").isEqualTo(21);
    assertThat(driver.errors()).isEqualTo(Map.of("503", 3L));
    assertThat(stats.percentileMs(50)).as("the server takes 20 ms").isGreaterThanOrEqualTo(20);
    assertThat(maxInFlight.get()).as("closed loop with 4 clients").isBetween(2, 4);
    List<DocumentLatency> perDocument = driver.perDocument(documents(24, 3), stats.originNanos());
    assertThat(perDocument).hasSize(24);
    assertThat(perDocument.subList(0, 3)).noneMatch(DocumentLatency::received);
    assertThat(perDocument.subList(3, 24))
        .allSatisfy(
            d -> {
              assertThat(d.latencyMs()).isGreaterThanOrEqualTo(20);
              assertThat(d.tokens()).isEqualTo(4);
              assertThat(d.sentSecond()).isBetween(0.0, 10.0);
            });
  }

  @Test
  void shouldPaceRequestsAtTheRateAndCountLatencyFromTheIntendedStart() throws Exception {
    HttpDriver driver = new HttpDriver(base(), 8, Duration.ofSeconds(10));
    LatencyStats stats = new LatencyStats(System.nanoTime());
    long start = System.nanoTime();

    driver.run(documents(20, 0), new Timeline(100), stats);

    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(seconds)
        .as("19 intervals of 10 ms, then the last answer")
        .isGreaterThanOrEqualTo(0.19);
    assertThat(stats.count()).isEqualTo(20);
    assertThat(driver.errors()).isEmpty();
    assertThat(stats.elapsedSeconds()).isBetween(0.19 + 0.02, seconds);
  }

  @Test
  void shouldCountARefusedConnectionAsAnError() throws Exception {
    server.stop(0);
    HttpDriver driver = new HttpDriver(base(), 2, Duration.ofSeconds(5));
    LatencyStats stats = new LatencyStats(System.nanoTime());

    driver.run(documents(3, 0), Timeline.burst(), stats);

    assertThat(stats.count()).isZero();
    assertThat(driver.errors()).containsOnlyKeys("ConnectException").containsValue(3L);
  }
}
