package io.modernbert.bench;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A leg that takes the seconds it is given, one value per run, over 1,000 tokens, and writes "warm
 * ENGINE" and "run ENGINE" to a shared log.
 */
final class FakeLeg implements Leg {
  static final long TOKENS = 1000;

  private final String engine;
  private final Deque<Double> seconds;
  private final List<String> log;

  FakeLeg(String engine, List<String> log, Double... seconds) {
    this.engine = engine;
    this.log = log;
    this.seconds = new ArrayDeque<>(List.of(seconds));
  }

  @Override
  public String engine() {
    return engine;
  }

  @Override
  public void warmUp() {
    log.add("warm " + engine);
  }

  @Override
  public Measurement run() {
    log.add("run " + engine);
    return measurement("w", engine, seconds.removeFirst());
  }

  /** What a leg of {@code engine} on {@code workload} reports when it took {@code seconds}. */
  static Measurement measurement(String workload, String engine, double seconds) {
    return new Measurement(workload, engine, 10, TOKENS, 1250, seconds, 2e12, 400);
  }
}
