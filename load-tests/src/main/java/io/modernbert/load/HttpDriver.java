package io.modernbert.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Drives {@code POST /embed} with one document per request. Closed loop: {@code concurrency}
 * clients, each sending its next request as soon as the previous one answered, latency from request
 * to response. At a rate: requests start on the open-loop {@link Timeline}, at most
 * {@code concurrency} in flight, latency from the intended start (waiting for a free slot counts).
 * An answer other than 200 with a JSON array of vectors is an error, counted by status.
 */
final class HttpDriver {
  private final HttpClient client;
  private final URI embed;
  private final int concurrency;
  private final Duration timeout;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicLong sent = new AtomicLong();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

  HttpDriver(URI base, int concurrency, Duration timeout) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1");
    }
    // HTTP/1.1: one connection per client, as most callers of a TEI-style endpoint use it.
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    this.embed = base.resolve("/embed");
    this.concurrency = concurrency;
    this.timeout = timeout;
  }

  long sent() {
    return sent.get();
  }

  /** Errors by HTTP status, or by exception class when no answer came. */
  Map<String, Long> errors() {
    Map<String, Long> counts = new TreeMap<>();
    errors.forEach((key, count) -> counts.put(key, count.sum()));
    return counts;
  }

  void run(List<LoadDocument> documents, Timeline timeline, LatencyStats stats) throws Exception {
    List<HttpRequest> requests = new ArrayList<>(documents.size());
    for (LoadDocument document : documents) {
      byte[] body = json.writeValueAsBytes(Map.of("inputs", document.text()));
      requests.add(HttpRequest.newBuilder(embed).timeout(timeout).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }
    if (timeline.isBurst()) {
      closedLoop(requests, stats);
    } else {
      openLoop(requests, timeline, stats);
    }
  }

  private void closedLoop(List<HttpRequest> requests, LatencyStats stats) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) {
      Thread thread = new Thread(() -> {
        for (int i = next.getAndIncrement(); i < requests.size(); i = next.getAndIncrement()) {
          long start = System.nanoTime();
          stats.started(start);
          sent.incrementAndGet();
          try {
            HttpResponse<String> response = client.send(requests.get(i), HttpResponse.BodyHandlers.ofString());
            complete(response, start, stats);
          } catch (IOException e) {
            error(e.getClass().getSimpleName());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }, "load-http-" + c);
      thread.start();
      clients.add(thread);
    }
    for (Thread thread : clients) {
      thread.join();
    }
  }

  private void openLoop(List<HttpRequest> requests, Timeline timeline, LatencyStats stats) throws InterruptedException {
    Semaphore inFlight = new Semaphore(concurrency);
    long start = System.nanoTime();
    for (int i = 0; i < requests.size(); i++) {
      long due = timeline.await(start, i);
      stats.started(due);
      inFlight.acquire();
      sent.incrementAndGet();
      client.sendAsync(requests.get(i), HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
        if (error != null) {
          Throwable cause = error.getCause() != null ? error.getCause() : error; // unwrap CompletionException
          error(cause.getClass().getSimpleName());
        } else {
          complete(response, due, stats);
        }
        inFlight.release();
      });
    }
    inFlight.acquire(concurrency); // every answer is in
  }

  private void complete(HttpResponse<String> response, long start, LatencyStats stats) {
    if (response.statusCode() == 200 && response.body().startsWith("[[")) {
      stats.record(start, System.nanoTime());
    } else {
      error(Integer.toString(response.statusCode()));
    }
  }

  private void error(String key) {
    errors.computeIfAbsent(key, k -> new LongAdder()).increment();
  }
}
