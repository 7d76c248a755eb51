package io.modernbert.load;

import io.modernbert.stream.kafka.KafkaClientConfig;
import io.modernbert.stream.kafka.TopicAdmin;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * One run in Kafka mode: produce the documents to the input topic, read the outputs, sample the
 * service's lag, and wait until every accepted document has its outputs or the timeout passes.
 */
final class KafkaRun {
  /** Where the service is and which topics and group it uses. */
  record Target(
      KafkaClientConfig kafka,
      String documentsTopic,
      String embeddingsTopic,
      String labelsTopic,
      String applicationId,
      Integer partitions) {}

  // After the last expected output, keep reading briefly so that a duplicate written right behind
  // it
  // (a retried batch) is counted rather than missed by a run that stops on the first complete view.
  private static final long GRACE_MILLIS = 2_000;

  private KafkaRun() {}

  static LoadResult run(
      Target target,
      RunIds ids,
      List<LoadDocument> documents,
      Timeline timeline,
      Duration timeout,
      StartGate.Settle settle,
      Map<String, Object> settings,
      PrintWriter err)
      throws Exception {
    Admin admin = target.kafka().createAdmin("modernbert-load-admin");
    try {
      int partitions;
      try (TopicAdmin topics = new TopicAdmin(admin, target.kafka().bootstrapServers())) {
        TopicDescription input =
            topics
                .ensure(
                    List.of(
                        new TopicAdmin.TopicSpec(
                            target.documentsTopic(),
                            Optional.ofNullable(target.partitions()),
                            Optional.empty())),
                    TopicAdmin.Mode.CREATE_MISSING)
                .get(target.documentsTopic());
        partitions = input.partitions().size();
      }
      if (target.partitions() != null && target.partitions() != partitions) {
        err.printf(
            "load: warning: topic %s exists with %d partitions, not the %d requested; using it as it is%n",
            target.documentsTopic(), partitions, target.partitions());
      }
      settings.put("inputPartitions", partitions);
      // Before the output tracker, which needs the service's output topics to exist.
      StartGate gate =
          settle == null
              ? null
              : StartGate.awaitReady(readyCheck(settle, target, ids), settle, err);
      try (OutputTracker tracker =
              new OutputTracker(
                  target.kafka(), target.embeddingsTopic(), target.labelsTopic(), ids);
          KafkaDriver driver =
              new KafkaDriver(target.kafka(), target.documentsTopic(), documents)) {
        StartGate.Settled settled = gate == null ? null : gate.open();
        RunClock clock =
            RunClock.start(); // after the slow setup: second 0 of every series is the first send
        DeliveryBook book = new DeliveryBook(documents.size(), clock.originNanos());
        BatchStats batches = new BatchStats();
        tracker.start(book, batches);
        try (LagSampler lag =
                new LagSampler(
                    admin,
                    target.documentsTopic(),
                    partitions,
                    target.applicationId(),
                    clock.originNanos(),
                    err);
            ProgressLine progress =
                new ProgressLine(err, documents.size(), book::sent, book.latency(), lag::latest)) {
          lag.start();
          progress.start();
          driver.send(timeline, book, clock);
          if (driver.firstError() != null) {
            err.println(
                "load: "
                    + book.failures()
                    + " sends failed, the first with: "
                    + driver.firstError());
          }
          err.printf(
              "load: all %d documents sent; waiting up to %s for their outputs%n",
              book.sent(), DurationConverter.format(timeout));
          boolean complete = awaitOutputs(book, tracker, timeout);
          if (!complete) {
            err.printf(
                "load: timed out after %s with %d documents missing%n",
                DurationConverter.format(timeout), book.missing());
          }
          lag.stop(); // before reading the series
          return result(settings, documents, book, batches, tracker, lag.samples(), clock, settled);
        }
      }
    } finally {
      admin.close(
          Duration.ofSeconds(5)); // not the default wait without end when the brokers are gone
    }
  }

  private static boolean awaitOutputs(DeliveryBook book, OutputTracker tracker, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    // Labels come in the same transaction as embeddings; wait for them only from a classifier.
    while (!book.complete(tracker.readsLabels() && book.labelled() > 0)) {
      if (tracker.failure() != null) {
        throw new IllegalStateException(
            "reading the outputs failed: " + tracker.failure(), tracker.failure());
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(50);
    }
    Thread.sleep(GRACE_MILLIS);
    return true;
  }

  private static LoadResult result(
      Map<String, Object> settings,
      List<LoadDocument> documents,
      DeliveryBook book,
      BatchStats batches,
      OutputTracker tracker,
      List<LagSampler.Sample> lag,
      RunClock clock,
      StartGate.Settled settled) {
    if (batches.outputsWithoutHeaders() > 0) {
      settings.put("outputsWithoutBatchHeaders", batches.outputsWithoutHeaders());
    }
    LatencyStats latency = book.latency();
    LoadResult.Counts counts =
        new LoadResult.Counts(
            documents.size(),
            documents.stream().mapToLong(LoadDocument::tokens).sum(),
            book.sent(),
            book.failures(),
            book.received(),
            book.labelled(),
            book.duplicateEmbeddings(),
            book.duplicateLabels(),
            book.missing(),
            book.labelled() > 0 ? book.missingLabels() : 0,
            book.foreignOutputs(),
            tracker.invalidOutputs(),
            Map.of());
    return new LoadResult(
        settings,
        "kafka",
        counts,
        latency.elapsedSeconds(),
        latency.snapshot(),
        latency.completions().counts(),
        lag,
        batches.batches(),
        book.perDocument(documents, clock),
        null,
        settled);
  }

  /** --ready-url when given, else the probe document. */
  private static ReadyCheck readyCheck(StartGate.Settle settle, Target target, RunIds ids) {
    return settle.readyUrl() != null
        ? new HttpReadyCheck(settle.readyUrl())
        : new KafkaProbe(target.kafka(), target.documentsTopic(), target.embeddingsTopic(), ids);
  }
}
