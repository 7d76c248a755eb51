package io.modernbert.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.modernbert.stream.kafka.KafkaClientConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StartGateTest {
  private final StringWriter progress = new StringWriter();
  private final PrintWriter err = new PrintWriter(progress, true);

  /** Ready at the {@code readyAt}-th poll; counts polls and closes. */
  private static final class CountingCheck implements ReadyCheck {
    final int readyAt;
    int polls;
    boolean closed;

    CountingCheck(int readyAt) {
      this.readyAt = readyAt;
    }

    @Override
    public String describe() {
      return "the test says so";
    }

    @Override
    public boolean poll() {
      return ++polls >= readyAt;
    }

    @Override
    public String lastAnswer() {
      return "poll " + polls;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void shouldWaitForReadyThenTheSettleBeforeOpening() throws Exception {
    CountingCheck check = new CountingCheck(3);
    long start = System.nanoTime();

    StartGate.Settled settled =
        StartGate.awaitReady(
                check,
                new StartGate.Settle(Duration.ofMillis(300), Duration.ofSeconds(10), null),
                err)
            .open();

    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(check.polls).isEqualTo(3);
    assertThat(check.closed).isTrue();
    assertThat(settled.waitedSeconds()).as("two pauses between polls").isGreaterThan(0.3);
    assertThat(settled.firstSendAfterReadySeconds()).isBetween(0.3, 5.0);
    assertThat(seconds)
        .isGreaterThanOrEqualTo(settled.waitedSeconds() + settled.firstSendAfterReadySeconds());
    assertThat(settled.settle()).isEqualTo(Duration.ofMillis(300));
    assertThat(settled.readiness()).isEqualTo("the test says so");
    assertThat(progress.toString()).contains("until the test says so").contains("ready after");
  }

  @Test
  void shouldCountTheSettleFromReadyNotFromTheOpening() throws Exception {
    StartGate gate =
        StartGate.awaitReady(
            new CountingCheck(1),
            new StartGate.Settle(Duration.ofMillis(400), Duration.ofSeconds(1), null),
            err);
    Thread.sleep(300); // the run's setup

    long start = System.nanoTime();
    StartGate.Settled settled = gate.open();

    assertThat((System.nanoTime() - start) / 1e9).as("what is left of the 400 ms").isLessThan(0.3);
    assertThat(settled.firstSendAfterReadySeconds()).isBetween(0.4, 1.0);
  }

  @Test
  void shouldOpenRightAtReadyWithSettleZero() throws Exception {
    StartGate.Settled settled =
        StartGate.awaitReady(
                new CountingCheck(1),
                new StartGate.Settle(Duration.ZERO, Duration.ofSeconds(1), null),
                err)
            .open();

    assertThat(settled.waitedSeconds()).isLessThan(0.2);
    assertThat(settled.firstSendAfterReadySeconds()).isLessThan(0.2);
  }

  @Test
  void shouldGiveUpAfterTheTimeoutNamingTheLastAnswer() {
    CountingCheck never = new CountingCheck(Integer.MAX_VALUE);

    assertThatThrownBy(
            () ->
                StartGate.awaitReady(
                        never,
                        new StartGate.Settle(Duration.ZERO, Duration.ofMillis(500), null),
                        err)
                    .open())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not ready after 500ms")
        .hasMessageContaining("last: poll");
    assertThat(never.closed).isTrue();
  }

  @Test
  void shouldSeeReadyWhenTheUrlAnswers200() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger asked = new AtomicInteger();
    server.createContext(
        "/ready",
        exchange -> {
          int status = asked.incrementAndGet() < 3 ? 503 : 200; // warming up, then ready
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
    try {
      URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ready");
      HttpReadyCheck check = new HttpReadyCheck(url);

      assertThat(check.poll()).isFalse();
      assertThat(check.lastAnswer()).isEqualTo("503");
      StartGate.Settled settled =
          StartGate.awaitReady(
                  check, new StartGate.Settle(Duration.ZERO, Duration.ofSeconds(10), url), err)
              .open();

      assertThat(asked.get()).isEqualTo(3);
      assertThat(settled.readiness()).isEqualTo("GET " + url + " answers 200");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void shouldKeepWaitingWhileNothingListens() throws Exception {
    HttpReadyCheck check =
        new HttpReadyCheck(URI.create("http://127.0.0.1:" + freePort() + "/ready"));

    assertThat(check.poll()).isFalse();
    assertThat(check.lastAnswer()).isEqualTo("ConnectException");
  }

  @Test
  void shouldSendNoProbeWhileTheBrokersCannotBeReached() throws Exception {
    // Nothing listens there: the probe waits for metadata instead of sending into the void.
    KafkaClientConfig kafka = KafkaClientConfig.of("127.0.0.1:" + freePort());
    try (KafkaProbe probe = new KafkaProbe(kafka, "documents", "embeddings", new RunIds("p"))) {
      assertThat(probe.poll()).isFalse();
      assertThat(probe.lastAnswer()).isEqualTo("no metadata from the brokers yet");
      assertThat(probe.describe())
          .isEqualTo("a probe document sent to documents comes back on embeddings");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
