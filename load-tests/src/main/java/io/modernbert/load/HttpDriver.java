package io.modernbert.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Drives {@code POST /embed} with one document per request. Closed loop: {@code concurrency}
 * clients, each sending its next request as soon as the previous one answered, latency from request
 * to response. At a rate: requests start on the open-loop {@link Timeline}, at most {@code
 * concurrency} in flight, latency from the intended start (waiting for a free slot counts). An
 * answer other than 200 with a JSON array of vectors is an error, counted by status.
 *
 * <p>The client is Vert.x's (Netty, one event loop, HTTP/1.1 keep-alive, one connection per
 * client): on a 2-core machine shared with the service, a thread per client costs the service a
 * good part of a core.
 */
final class HttpDriver {
  private static final long NONE = Long.MIN_VALUE;

  private final URI embed;
  private final URI health;
  private final int concurrency;
  private final Duration timeout;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicLong sent = new AtomicLong();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  // Per document, for the latency by length: when its latency counts from, and when its good
  // answer came (NONE: not sent, or no good answer). Sized by run.
  private AtomicLongArray startNanos = new AtomicLongArray(0);
  private AtomicLongArray answerNanos = new AtomicLongArray(0);

  HttpDriver(URI base, int concurrency, Duration timeout) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1");
    }
    this.embed = base.resolve("/embed");
    this.health = base.resolve("/health");
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
    startNanos = filled(documents.size());
    answerNanos = filled(documents.size());
    List<Buffer> bodies = new ArrayList<>(documents.size());
    for (LoadDocument document : documents) {
      bodies.add(Buffer.buffer(json.writeValueAsBytes(Map.of("inputs", document.text()))));
    }
    Vertx vertx = Vertx.vertx();
    HttpClientAgent client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(concurrency).setEventLoopSize(1));
    try {
      warmUp(client);
      if (timeline.isBurst()) {
        closedLoop(client, bodies, stats);
      } else {
        openLoop(client, bodies, timeline, stats);
      }
    } finally {
      client.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Each sent document's length, send second from {@code originNanos} and latency (NaN without a
   * good answer), in document order; call after {@link #run} on the same documents.
   */
  List<DocumentLatency> perDocument(List<LoadDocument> documents, long originNanos) {
    List<DocumentLatency> rows = new ArrayList<>();
    for (int i = 0; i < Math.min(documents.size(), startNanos.length()); i++) {
      long start = startNanos.get(i);
      if (start == NONE) {
        continue;
      }
      long answer = answerNanos.get(i);
      rows.add(
          new DocumentLatency(
              documents.get(i).id(),
              documents.get(i).tokens(),
              (start - originNanos) / 1e9,
              answer == NONE ? Double.NaN : (answer - start) / 1e6,
              Double.NaN));
    }
    return rows;
  }

  private static AtomicLongArray filled(int size) {
    AtomicLongArray array = new AtomicLongArray(size);
    for (int i = 0; i < size; i++) {
      array.set(i, NONE);
    }
    return array;
  }

  private Future<Void> send(
      HttpClientAgent client, int index, Buffer body, long start, LatencyStats stats) {
    sent.incrementAndGet();
    startNanos.set(index, start);
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(embed.toString())
            .putHeader("content-type", "application/json")
            .setIdleTimeout(timeout.toMillis());
    return client
        .request(options)
        .compose(request -> request.send(body))
        .compose(
            response ->
                response
                    .body()
                    .map(
                        answer -> {
                          if (response.statusCode() == 200
                              && answer.length() > 1
                              && answer.getByte(0) == '['
                              && answer.getByte(1) == '[') {
                            long end = System.nanoTime();
                            stats.record(start, end);
                            answerNanos.set(index, end);
                          } else {
                            error(Integer.toString(response.statusCode()));
                          }
                          return (Void) null;
                        }))
        .recover(
            failure -> {
              error(standardName(failure));
              return Future.succeededFuture();
            });
  }

  /** Rounds of untimed requests that open the connections and load this client's code paths. */
  static final int WARM_UP_ROUNDS = 3;

  /**
   * Opens {@code concurrency} connections and runs a few rounds of {@code GET /health} on them,
   * untimed: this client's own first requests (Vert.x and Netty loading, connecting) took about 350
   * ms, and counted against the service they made p99 of a 30-s run at 20 requests/s 58 ms instead
   * of 14. {@code /health} never touches the model, so the service's own cold paths stay measured.
   */
  private void warmUp(HttpClientAgent client) throws InterruptedException {
    for (int round = 0; round < WARM_UP_ROUNDS; round++) {
      CountDownLatch answered = new CountDownLatch(concurrency);
      for (int c = 0; c < concurrency; c++) {
        client
            .request(
                new RequestOptions()
                    .setMethod(HttpMethod.GET)
                    .setAbsoluteURI(health.toString())
                    .setIdleTimeout(timeout.toMillis()))
            .compose(request -> request.send().compose(response -> response.body()))
            .onComplete(result -> answered.countDown());
      }
      answered.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void closedLoop(HttpClientAgent client, List<Buffer> bodies, LatencyStats stats)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int c = 0; c < concurrency; c++) {
      sendNext(client, bodies, next, stats, done);
    }
    done.await();
  }

  /** One client's loop: the next request starts when the previous one answered. */
  private void sendNext(
      HttpClientAgent client,
      List<Buffer> bodies,
      AtomicInteger next,
      LatencyStats stats,
      CountDownLatch done) {
    int i = next.getAndIncrement();
    if (i >= bodies.size()) {
      done.countDown();
      return;
    }
    long start = System.nanoTime();
    stats.started(start);
    send(client, i, bodies.get(i), start, stats)
        .onComplete(result -> sendNext(client, bodies, next, stats, done));
  }

  private void openLoop(
      HttpClientAgent client, List<Buffer> bodies, Timeline timeline, LatencyStats stats)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(concurrency);
    long start = System.nanoTime();
    for (int i = 0; i < bodies.size(); i++) {
      long due = timeline.await(start, i);
      stats.started(due);
      inFlight.acquire();
      send(client, i, bodies.get(i), due, stats).onComplete(result -> inFlight.release());
    }
    inFlight.acquire(concurrency); // every answer is in
  }

  /**
   * The JDK class a failure is an instance of (Netty's AnnotatedConnectException is a
   * ConnectException).
   */
  private static String standardName(Throwable failure) {
    for (Class<?> type = failure.getClass(); type != null; type = type.getSuperclass()) {
      if (type.getName().startsWith("java.")) {
        return type.getSimpleName();
      }
    }
    return failure.getClass().getSimpleName();
  }

  private void error(String key) {
    errors.computeIfAbsent(key, k -> new LongAdder()).increment();
  }
}
