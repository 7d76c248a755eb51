package io.modernbert.load;

import io.modernbert.stream.kafka.TopicAdmin;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * One run in HTTP mode: {@code POST /embed} per document. When the broker is known too ({@code
 * --bootstrap-servers}), the service's lag on its input topic is sampled alongside: HTTP requests
 * and Kafka documents share the model, so a backlog on the topic explains slow answers.
 */
final class HttpRun {
  private HttpRun() {}

  static LoadResult run(
      URI base,
      int concurrency,
      Duration requestTimeout,
      KafkaRun.Target lagTarget,
      List<LoadDocument> documents,
      Timeline timeline,
      StartGate.Settle settle,
      Map<String, Object> settings,
      PrintWriter err)
      throws Exception {
    HttpDriver driver = new HttpDriver(base, concurrency, requestTimeout);
    Admin admin = lagTarget == null ? null : lagTarget.kafka().createAdmin("modernbert-load-admin");
    try {
      StartGate.Settled settled =
          settle == null
              ? null
              : StartGate.awaitReady(new HttpReadyCheck(settle.readyUrl()), settle, err).open();
      RunClock clock = RunClock.start();
      LatencyStats stats = new LatencyStats(clock.originNanos());
      LagSampler lag =
          admin == null
              ? null
              : new LagSampler(
                  admin,
                  lagTarget.documentsTopic(),
                  new TopicAdmin(admin, lagTarget.kafka().bootstrapServers())
                      .describe(lagTarget.documentsTopic())
                      .map(d -> d.partitions().size())
                      .orElse(0),
                  lagTarget.applicationId(),
                  clock.originNanos(),
                  err);
      try (ProgressLine progress =
          new ProgressLine(
              err, documents.size(), driver::sent, stats, lag == null ? null : lag::latest)) {
        if (lag != null) {
          lag.start();
        }
        progress.start();
        driver.run(documents, timeline, stats);
      } finally {
        if (lag != null) {
          lag.stop();
        }
      }
      LoadResult.Counts counts =
          new LoadResult.Counts(
              documents.size(),
              documents.stream().mapToLong(LoadDocument::tokens).sum(),
              driver.sent(),
              0,
              stats.count(),
              0,
              0,
              0,
              0,
              0,
              0,
              0,
              driver.errors());
      return new LoadResult(
          settings,
          "http",
          counts,
          stats.elapsedSeconds(),
          stats.snapshot(),
          stats.completions().counts(),
          lag == null ? List.of() : lag.samples(),
          List.of(),
          driver.perDocument(documents, clock.originNanos()),
          null,
          settled);
    } finally {
      if (admin != null) {
        admin.close(Duration.ofSeconds(5));
      }
    }
  }
}
