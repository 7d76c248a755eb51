package io.modernbert.stream.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.modernbert.model.engine.BatchPlanner;
import io.modernbert.model.graph.BatchShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Pass selection on the engine's real planner and shapes, with a simulated clock. */
class PassSelectorTest {
  private static final long MS = 1_000_000;
  private static final BatchPlanner PLANNER =
      new BatchPlanner(BatchShape.standardSet(8192, 8192, 64), 0);

  private final TreeSet<QueuedJob> queue = new TreeSet<>(QueuedJob.BY_DEADLINE);
  private final PassSelector selector = new PassSelector(PLANNER::plan, 4 * 8192);
  private long sequence;

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

    List<QueuedJob> pass = selector.select(queue, 15 * MS);

    assertThat(pass).contains(due);
    assertThat(tokens(pass)).isLessThanOrEqualTo(8192);
  }

  @Test
  void shouldRunTheFullestPassWhenNothingIsDueYet() {
    add(5000, 0, 50 * MS);
    for (int i = 0; i < 80; i++) {
      add(100, 0, 60 * MS);
    }

    List<QueuedJob> pass = selector.select(queue, 1 * MS);

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

    List<QueuedJob> pass = selector.select(queue, 1000 * MS);

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
      List<QueuedJob> pass = selector.select(queue, now);
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
      List<QueuedJob> pass = selector.select(queue, 50 * MS);
      assertThat(pass).isNotEmpty();
      assertThat(tokens(pass)).isLessThanOrEqualTo(8192);
      pass.forEach(queue::remove);
      ran.addAll(pass);
    }
    assertThat(ran).containsExactlyInAnyOrderElementsOf(all);
  }
}
