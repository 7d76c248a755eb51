package io.modernbert.stream.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.modernbert.model.engine.BatchPlanner;
import io.modernbert.model.engine.PackedBatch;
import io.modernbert.model.engine.ShapeScope;
import io.modernbert.model.graph.BatchShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Pass selection on the engine's real planner and shapes, with a simulated clock. */
class PassSelectorTest {
  private static final long MS = 1_000_000;
  private static final List<BatchShape> SHAPES = BatchShape.standardSet(8192, 8192, 64);
  private static final BatchPlanner PLANNER = new BatchPlanner(SHAPES, 0);

  private final TreeSet<QueuedJob> queue = new TreeSet<>(QueuedJob.BY_DEADLINE);
  private final PassSelector selector = new PassSelector(PassSelectorTest::plan, 4 * 8192, true);
  private long sequence;

  /** The engine's planner on the shapes of {@code scope} (here every shape counts as warm). */
  private static List<PackedBatch> plan(List<int[]> ids, ShapeScope scope) {
    return new BatchPlanner(
            SHAPES.stream().filter(shape -> shape.slots() <= scope.maxSlots()).toList(), 0)
        .plan(ids);
  }

  /** The next pass of a lone lane (the scheduler with one lane). */
  private List<QueuedJob> selectAlone(long now) {
    return selector.select(queue, now, Lane.LONG, false, false, false).jobs();
  }

  private QueuedJob add(int tokens, long queuedAt, long deadline) {
    QueuedJob job =
        new QueuedJob(
            new InferenceJob(
                "d" + sequence, new int[tokens], InferenceJob.Priority.STREAM, this, outcome -> {}),
            sequence++,
            queuedAt,
            deadline);
    queue.add(job);
    return job;
  }

  private static int tokens(List<QueuedJob> pass) {
    return pass.stream().mapToInt(QueuedJob::tokens).sum();
  }

  @Test
  void shouldRunTheEarliestDeadlineJobOnceItIsDue() {
    QueuedJob due = add(3000, 0, 10 * MS);
    for (int i = 0; i < 200; i++) {
      add(100, 0, 20 * MS);
    }

    List<QueuedJob> pass = selectAlone(15 * MS);

    assertThat(pass).contains(due);
    assertThat(tokens(pass)).isLessThanOrEqualTo(8192);
  }

  @Test
  void shouldRunTheFullestPassWhenNothingIsDueYet() {
    add(5000, 0, 50 * MS);
    for (int i = 0; i < 80; i++) {
      add(100, 0, 60 * MS);
    }

    List<QueuedJob> pass = selectAlone(1 * MS);

    int best =
        PLANNER.plan(queue.stream().map(q -> q.job().tokenIds()).toList()).stream()
            .mapToInt(p -> p.tokens())
            .max()
            .orElseThrow();
    assertThat(tokens(pass)).isEqualTo(best);
  }

  @Test
  void shouldLookNoFurtherThanThePool() {
    for (int i = 0; i < 100; i++) {
      add(1000, 0, i * MS);
    }

    List<QueuedJob> pass = selectAlone(1000 * MS);

    long poolEnd = 32; // 32 jobs of 1,000 tokens fill the 32,768-token pool
    assertThat(pass).allSatisfy(job -> assertThat(job.sequence()).isLessThan(poolEnd));
    assertThat(tokens(pass)).isLessThanOrEqualTo(8192);
  }

  @Test
  void shouldNeverStarveALongDocumentUnderAStreamOfShortOnes() {
    long maxWait = 50 * MS;
    QueuedJob longOne = add(6000, 0, maxWait);
    Random random = new Random(1);
    long now = 0;
    boolean ran = false;
    for (int round = 0; round < 100 && !ran; round++) {
      for (int i = 0; i < 60; i++) {
        add(20 + random.nextInt(200), now, now + maxWait);
      }
      List<QueuedJob> pass = selectAlone(now);
      ran = pass.contains(longOne);
      pass.forEach(queue::remove);
      now += 10 * MS; // one pass
    }
    assertThat(ran).isTrue();
    assertThat(now)
        .as("ran within its deadline plus one pass")
        .isLessThanOrEqualTo(maxWait + 10 * MS);
  }

  @Test
  void shouldPlaceEveryJobExactlyOnceWhenTheQueueIsDrained() {
    Random random = new Random(3);
    List<QueuedJob> all = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      all.add(
          add(
              1 + (int) Math.min(8191, Math.exp(5 + random.nextGaussian())),
              0,
              random.nextInt(100) * MS));
    }
    List<QueuedJob> ran = new ArrayList<>();
    while (!queue.isEmpty()) {
      List<QueuedJob> pass = selectAlone(50 * MS);
      assertThat(pass).isNotEmpty();
      assertThat(tokens(pass)).isLessThanOrEqualTo(8192);
      pass.forEach(queue::remove);
      ran.addAll(pass);
    }
    assertThat(ran).containsExactlyInAnyOrderElementsOf(all);
  }

  @Test
  void shouldKeepTheShortLaneToShortDocumentsInServingSizePasses() {
    add(3000, 0, 0);
    for (int i = 0; i < 40; i++) {
      add(100 + 20 * i, 0, 10 * MS);
    }

    PassSelector.Selected pass = selector.select(queue, 20 * MS, Lane.SHORT, true, false, false);

    assertThat(pass.jobs()).allSatisfy(job -> assertThat(job.tokens()).isLessThanOrEqualTo(1024));
    assertThat(pass.pass().shape().slots()).isLessThanOrEqualTo(1024);
  }

  @Test
  void shouldLeaveShortWorkToAnIdleShortLaneAndShareItWhenThatLaneIsBusy() {
    for (int i = 0; i < 5; i++) {
      add(60, 0, 0);
    }

    assertThat(selector.select(queue, 1 * MS, Lane.LONG, true, false, false)).isNull();
    assertThat(selector.select(queue, 1 * MS, Lane.LONG, true, true, false).jobs()).isNotEmpty();
  }

  @Test
  void shouldGiveTheLongLaneTheLongDocumentEvenWhenAShortOneIsDueFirst() {
    QueuedJob shortOne = add(50, 0, 0);
    QueuedJob longOne = add(4000, 0, 50 * MS);

    PassSelector.Selected pass = selector.select(queue, 1 * MS, Lane.LONG, true, false, false);

    assertThat(pass.jobs()).contains(longOne);
    assertThat(pass.pass().shape().slots()).isGreaterThan(1024);
    assertThat(selector.select(queue, 1 * MS, Lane.SHORT, true, true, false).jobs())
        .containsExactly(shortOne);
  }

  @Test
  void shouldReturnThePlannedPassOverJustItsJobs() {
    Random random = new Random(5);
    for (int i = 0; i < 120; i++) {
      add(10 + random.nextInt(900), 0, 0);
    }

    PassSelector.Selected selected = selector.select(queue, 1 * MS, Lane.LONG, false, false, false);

    List<PackedBatch.Placement> placements = selected.pass().placements();
    assertThat(placements).hasSameSizeAs(selected.jobs());
    for (int j = 0; j < placements.size(); j++) {
      assertThat(placements.get(j).document()).isEqualTo(j);
      assertThat(placements.get(j).length()).isEqualTo(selected.jobs().get(j).tokens());
    }
  }

  @Test
  void shouldRunARequestBeforeAStreamBacklogWhoseDeadlinesHaveAllPassed() {
    for (int i = 0; i < 300; i++) {
      add(200, 0, i * MS); // a burst: every deadline long past
    }
    QueuedJob request =
        new QueuedJob(
            new InferenceJob(
                "request", new int[30], InferenceJob.Priority.INTERACTIVE, this, outcome -> {}),
            sequence++,
            5000 * MS,
            5000 * MS);
    queue.add(request);

    assertThat(queue.first()).isSameAs(request);
    assertThat(selector.select(queue, 5000 * MS, Lane.SHORT, true, true, false).jobs())
        .contains(request);
  }

  @Test
  void shouldKeepTheShortLaneForRequestsDuringABacklog() {
    for (int i = 0; i < 300; i++) {
      add(200, 0, 0);
    }
    assertThat(selector.select(queue, 1 * MS, Lane.SHORT, true, false, true)).isNull();

    QueuedJob request =
        new QueuedJob(
            new InferenceJob(
                "request", new int[30], InferenceJob.Priority.INTERACTIVE, this, outcome -> {}),
            sequence++,
            1 * MS,
            1 * MS);
    queue.add(request);

    assertThat(selector.select(queue, 1 * MS, Lane.SHORT, true, false, true).jobs())
        .containsExactly(request);
  }
}
