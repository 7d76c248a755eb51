package io.modernbert.stream.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modernbert.model.engine.DocumentInput;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.engine.PackedBatch;
import io.modernbert.stream.StreamFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scheduler on the real default model. A gate in the pass observer holds the scheduler's thread
 * inside a pass, so that tests can fill the queue deterministically while the model "runs".
 */
class BatchSchedulerIntegrationTest {
  private static InferenceEngine engine;

  @BeforeAll
  static void loadModel() {
    engine = InferenceEngine.load(StreamFixtures.LANGID_MODEL, StreamFixtures.engineOptions());
    // Every shape warm, as in a service that has run a while: lanes plan on warm shapes only.
    engine.warmUp(engine.shapes());
  }

  @AfterAll
  static void closeModel() {
    engine.close();
  }

  /** Blocks the scheduler's thread in its next pass until opened; records the order of passes. */
  private static final class Gate implements PassObserver {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch open = new CountDownLatch(1);
    final List<PassSummary> passes = new ArrayList<>();

    @Override
    public void packed(PackedBatch pass) {
      entered.countDown();
      try {
        open.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public synchronized void passDone(PassSummary pass, long[] queueWaitsNanos) {
      passes.add(pass);
    }
  }

  /**
   * One lane: the tests that hold a pass in the gate and then queue more need every pass on one
   * thread, one after the other.
   */
  private static SchedulerSettings oneLane() {
    return SchedulerSettings.of(8192, Duration.ofMillis(50)).withLanes(1);
  }

  private static int[] ids(String text) {
    return engine.tokenizer().encode(text).ids();
  }

  private static CompletableFuture<JobOutcome> job(
      BatchScheduler scheduler, String text, InferenceJob.Priority priority, Object owner)
      throws InterruptedException {
    CompletableFuture<JobOutcome> outcome = new CompletableFuture<>();
    scheduler.submit(new InferenceJob(text, ids(text), priority, owner, outcome::complete));
    return outcome;
  }

  @Test
  void shouldGiveEveryJobTheEnginesOwnResult() throws Exception {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      texts.add(StreamFixtures.textOfAbout(5 + (i * 37) % 400, i));
    }
    Map<String, EncodedDocument> expected = new ConcurrentHashMap<>();
    engine
        .encode(texts.stream().map(t -> DocumentInput.text(t, t)).toList(), false)
        .forEach(d -> expected.put(d.id(), d));

    try (BatchScheduler scheduler =
        new BatchScheduler(
            engine, SchedulerSettings.of(8192, Duration.ofMillis(50)), PassObserver.NONE)) {
      List<CompletableFuture<JobOutcome>> outcomes = new ArrayList<>();
      for (String text : texts) {
        outcomes.add(job(scheduler, text, InferenceJob.Priority.STREAM, this));
      }
      for (CompletableFuture<JobOutcome> future : outcomes) {
        JobOutcome outcome = future.get(60, TimeUnit.SECONDS);
        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcome.pass().tokens()).isLessThanOrEqualTo(8192);
        float[] want = expected.get(outcome.job().id()).embedding();
        for (int j = 0; j < want.length; j++) {
          assertThat(outcome.result().embedding()[j]).isCloseTo(want[j], Offset.offset(1e-5f));
        }
      }
    }
  }

  @Test
  void shouldRunAnInteractiveJobInTheNextPassAheadOfAStreamBacklog() throws Exception {
    Gate gate = new Gate();
    try (BatchScheduler scheduler = new BatchScheduler(engine, oneLane(), gate)) {
      CompletableFuture<JobOutcome> first =
          job(scheduler, "Erste Nachricht.", InferenceJob.Priority.STREAM, this);
      assertThat(gate.entered.await(30, TimeUnit.SECONDS)).isTrue();
      List<int[]> documents = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        documents.add(ids(StreamFixtures.textOfAbout(200, i)));
      }
      // Queued within a few ms of each other: the interactive job is due at once, the backlog 50 ms
      // later.
      List<CompletableFuture<JobOutcome>> backlog = new ArrayList<>();
      for (int[] document : documents) {
        CompletableFuture<JobOutcome> outcome = new CompletableFuture<>();
        scheduler.submit(
            new InferenceJob(
                "backlog", document, InferenceJob.Priority.STREAM, this, outcome::complete));
        backlog.add(outcome);
      }
      CompletableFuture<JobOutcome> interactive =
          job(scheduler, "Une requête HTTP.", InferenceJob.Priority.INTERACTIVE, this);
      Thread.sleep(60); // the backlog is now due too, but the interactive job was due first
      gate.open.countDown();

      String firstPass = first.get(30, TimeUnit.SECONDS).pass().id();
      String interactivePass = interactive.get(30, TimeUnit.SECONDS).pass().id();
      assertThat(sequenceOf(interactivePass)).isEqualTo(sequenceOf(firstPass) + 1);
      for (CompletableFuture<JobOutcome> job : backlog) {
        assertThat(job.get(60, TimeUnit.SECONDS).succeeded()).isTrue();
      }
    }
  }

  /** Holds every pass larger than the serving shapes (the long lane's) until opened. */
  private static final class LongPassGate implements PassObserver {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch open = new CountDownLatch(1);

    @Override
    public void packed(PackedBatch pass) {
      if (pass.shape().slots() <= InferenceEngine.SERVING_SLOTS) {
        return;
      }
      entered.countDown();
      try {
        open.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void passDone(PassSummary pass, long[] queueWaitsNanos) {}
  }

  @Test
  void shouldRunShortDocumentsAndRequestsBesideALongPassThatStartedBeforeThem() throws Exception {
    LongPassGate gate = new LongPassGate();
    try (BatchScheduler scheduler =
        new BatchScheduler(engine, SchedulerSettings.of(8192, Duration.ofMillis(50)), gate)) {
      CompletableFuture<JobOutcome> longOne =
          job(scheduler, StreamFixtures.textOfAbout(3000, 1), InferenceJob.Priority.STREAM, this);
      assertThat(gate.entered.await(60, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<JobOutcome> shortOne =
          job(scheduler, "Ein kurzer Satz.", InferenceJob.Priority.STREAM, this);
      CompletableFuture<JobOutcome> request =
          job(scheduler, "Une requête HTTP.", InferenceJob.Priority.INTERACTIVE, this);
      CompletableFuture<JobOutcome> medium =
          job(scheduler, StreamFixtures.textOfAbout(150, 2), InferenceJob.Priority.STREAM, this);

      for (CompletableFuture<JobOutcome> outcome : List.of(shortOne, request, medium)) {
        assertThat(outcome.get(30, TimeUnit.SECONDS).succeeded()).isTrue();
      }
      assertThat(medium.get().result().tokens()).isBetween(129, InferenceEngine.SERVING_SLOTS);
      assertThat(longOne).as("the long pass is still held").isNotDone();
      gate.open.countDown();
      JobOutcome longOutcome = longOne.get(60, TimeUnit.SECONDS);
      assertThat(longOutcome.succeeded()).isTrue();
      assertThat(longOutcome.result().tokens()).isGreaterThan(InferenceEngine.SERVING_SLOTS);
    }
  }

  @Test
  void shouldRefuseOffersBeyondTheQueueBoundAndDropCancelledJobs() throws Exception {
    Gate gate = new Gate();
    SchedulerSettings small = new SchedulerSettings(8192, 8192, 8192, Duration.ofMillis(50), 1);
    Object cancelled = new Object();
    try (BatchScheduler scheduler = new BatchScheduler(engine, small, gate)) {
      job(scheduler, "Running now.", InferenceJob.Priority.STREAM, this);
      assertThat(gate.entered.await(30, TimeUnit.SECONDS)).isTrue();
      int[] document = ids(StreamFixtures.textOfAbout(400, 3));
      int accepted = 0;
      while (scheduler.offer(
          new InferenceJob(
              "x", document, InferenceJob.Priority.STREAM, cancelled, outcome -> {}))) {
        accepted++;
      }
      assertThat(accepted).isEqualTo(8192 / document.length);
      assertThat(scheduler.queuedTokens()).isLessThanOrEqualTo(8192);
      // A request still gets in: interactive jobs have one pass of headroom above the bound.
      int requests = 0;
      while (scheduler.offer(
          new InferenceJob(
              "r", document, InferenceJob.Priority.INTERACTIVE, cancelled, outcome -> {}))) {
        requests++;
      }
      assertThat(requests).isGreaterThanOrEqualTo(8192 / document.length - 1);
      assertThat(scheduler.queuedTokens()).isLessThanOrEqualTo(2 * 8192);

      assertThat(scheduler.cancel(cancelled)).isEqualTo(accepted + requests);
      assertThat(scheduler.queuedTokens()).isZero();
      gate.open.countDown();
    }
  }

  @Test
  void shouldFailQueuedJobsWhenClosed() throws Exception {
    Gate gate = new Gate();
    BatchScheduler scheduler = new BatchScheduler(engine, oneLane(), gate);
    job(scheduler, "Running now.", InferenceJob.Priority.STREAM, this);
    assertThat(gate.entered.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<JobOutcome> queued =
        job(scheduler, "Still queued.", InferenceJob.Priority.STREAM, this);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(scheduler::close);
    JobOutcome outcome = queued.get(30, TimeUnit.SECONDS);
    gate.open.countDown();
    closing.get(30, TimeUnit.SECONDS);

    assertThat(outcome.succeeded()).isFalse();
    assertThat(outcome.failure()).hasMessageContaining("stopped");
    assertThatThrownBy(() -> job(scheduler, "Too late.", InferenceJob.Priority.STREAM, this))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldServeQueuedJobsBeforeFinishingItsWarmUp() throws Exception {
    try (InferenceEngine fresh =
            InferenceEngine.load(StreamFixtures.LANGID_MODEL, StreamFixtures.engineOptions());
        BatchScheduler scheduler =
            new BatchScheduler(
                fresh,
                SchedulerSettings.of(8192, Duration.ofMillis(50)),
                PassObserver.NONE,
                true)) {
      CompletableFuture<JobOutcome> outcome = new CompletableFuture<>();
      scheduler.submit(
          new InferenceJob(
              "first",
              ids("Der erste Satz nach dem Neustart."),
              InferenceJob.Priority.STREAM,
              this,
              outcome::complete));

      assertThat(outcome.get(30, TimeUnit.SECONDS).succeeded()).isTrue();
      assertThat(scheduler.warm())
          .as("the serving shapes take seconds; the job did not wait for them")
          .isFalse();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (!scheduler.warm() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(scheduler.warm()).isTrue();
      assertThat(fresh.servingShapes())
          .allSatisfy(shape -> assertThat(fresh.hasRun(shape)).isTrue());
      // Ready means one row of every length is warm too: a document of any length runs warm.
      assertThat(fresh.shapes())
          .filteredOn(shape -> shape.rows() == 1)
          .allSatisfy(shape -> assertThat(fresh.hasRun(shape)).as(shape.toString()).isTrue());
      // Without XLA (the default model) the larger multi-row shapes are left to their first use.
      assertThat(fresh.compilesShapes()).isFalse();
      Thread.sleep(500);
      assertThat(fresh.shapes())
          .filteredOn(shape -> shape.rows() > 1 && shape.slots() > InferenceEngine.SERVING_SLOTS)
          .allSatisfy(shape -> assertThat(fresh.hasRun(shape)).as(shape.toString()).isFalse());
    }
  }

  /**
   * The engine's own pass, failing whenever a document holds {@code poison} among its token ids.
   */
  private static PassRunner failingOn(int poison) {
    return (documents, plan, hiddenStates, onPacked) -> {
      for (DocumentInput document : documents) {
        if (java.util.Arrays.stream(document.inputIds()).anyMatch(id -> id == poison)) {
          throw new IllegalStateException("injected failure on document " + document.id());
        }
      }
      return engine.encode(documents, plan, hiddenStates, onPacked);
    };
  }

  @Test
  void shouldIsolateADocumentThatFailsAndGiveTheRestOfItsPassTheirResults() throws Exception {
    int poison = 4242;
    List<CompletableFuture<JobOutcome>> outcomes = new ArrayList<>();
    Gate gate = new Gate();
    try (BatchScheduler scheduler =
        new BatchScheduler(engine, oneLane(), gate, false, failingOn(poison))) {
      outcomes.add(job(scheduler, "Erste Nachricht.", InferenceJob.Priority.STREAM, this));
      assertThat(gate.entered.await(30, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 20; i++) { // queued while the first pass runs: they share the next pass
        int[] ids = ids(StreamFixtures.textOfAbout(30, i));
        if (i == 7) {
          ids[3] = poison;
        }
        CompletableFuture<JobOutcome> outcome = new CompletableFuture<>();
        scheduler.submit(
            new InferenceJob(
                "doc-" + i, ids, InferenceJob.Priority.STREAM, this, outcome::complete));
        outcomes.add(outcome);
      }
      gate.open.countDown();

      for (CompletableFuture<JobOutcome> future : outcomes) {
        JobOutcome outcome = future.get(60, TimeUnit.SECONDS);
        if (outcome.job().id().equals("doc-7")) {
          assertThat(outcome.succeeded()).isFalse();
          assertThat(outcome.failure()).hasMessageContaining("injected failure");
        } else {
          assertThat(outcome.succeeded()).as(outcome.job().id()).isTrue();
          float[] want =
              engine
                  .encode(List.of(DocumentInput.ids("x", outcome.job().tokenIds())), false)
                  .get(0)
                  .embedding();
          assertThat(outcome.result().embedding()).containsExactly(want, Offset.offset(1e-5f));
        }
      }
      assertThat(gate.passes.stream().filter(p -> p.documents() > 1).count())
          .as("the rest of the failing pass ran in halves, not one by one")
          .isGreaterThan(0);
    }
  }

  @Test
  void shouldFailALonePoisonDocumentAndKeepRunningWhenTheModelStillRunsAProbe() throws Exception {
    int poison = 4242;
    try (BatchScheduler scheduler =
        new BatchScheduler(
            engine,
            SchedulerSettings.of(8192, Duration.ofMillis(50)),
            PassObserver.NONE,
            false,
            failingOn(poison))) {
      int[] ids = ids("Ein giftiges Dokument.");
      ids[2] = poison;
      CompletableFuture<JobOutcome> alone = new CompletableFuture<>();
      scheduler.submit(
          new InferenceJob("poison", ids, InferenceJob.Priority.STREAM, this, alone::complete));

      JobOutcome outcome = alone.get(30, TimeUnit.SECONDS);
      assertThat(outcome.succeeded()).isFalse();
      assertThat(outcome.failure())
          .isNotInstanceOf(SchedulerStoppedException.class)
          .hasMessageContaining("injected failure");
      assertThat(scheduler.running()).isTrue();
      assertThat(
              job(scheduler, "Danach geht es weiter.", InferenceJob.Priority.STREAM, this)
                  .get(30, TimeUnit.SECONDS)
                  .succeeded())
          .isTrue();
    }
  }

  @Test
  void shouldStopAndSayWhenTheModelDoesNotRunAtAll() throws Exception {
    PassRunner broken =
        (documents, plan, hiddenStates, onPacked) -> {
          throw new IllegalStateException("injected: the model is broken");
        };
    CompletableFuture<Throwable> reported = new CompletableFuture<>();
    try (BatchScheduler scheduler =
        new BatchScheduler(
            engine,
            SchedulerSettings.of(8192, Duration.ofMillis(50)),
            PassObserver.NONE,
            false,
            broken)) {
      scheduler.onEngineFailure(reported::complete);
      JobOutcome outcome =
          job(scheduler, "Satz.", InferenceJob.Priority.STREAM, this).get(30, TimeUnit.SECONDS);

      assertThat(outcome.failure())
          .as("not the document's fault: it stays in its store")
          .isInstanceOf(SchedulerStoppedException.class);
      assertThat(reported.get(30, TimeUnit.SECONDS)).hasMessageContaining("the model is broken");
      assertThat(scheduler.running()).isFalse();
      assertThatThrownBy(() -> job(scheduler, "Zu spät.", InferenceJob.Priority.STREAM, this))
          .isInstanceOf(SchedulerStoppedException.class);
    }
  }

  private static long sequenceOf(String passId) {
    return Long.parseLong(passId.substring(passId.indexOf('/') + 1));
  }
}
