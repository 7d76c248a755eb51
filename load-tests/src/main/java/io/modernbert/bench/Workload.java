package io.modernbert.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A benchmark's documents, as token ids ([CLS] ... [SEP]), identical for every engine.
 *
 * <p>{@code fixed:L}: documents of exactly L tokens, 16,384 tokens in all (at least 2 documents).
 * {@code lognormal}: lengths with median 150 and log-space sigma 0.9, clamped to [8, 8192], in
 * arrival order, from a fixed seed.
 */
public record Workload(String name, List<int[]> documents) {
  static final int CLS = 50281;
  static final int SEP = 50282;
  static final int FIXED_TOKENS = 16_384;
  static final double LOGNORMAL_MEDIAN = 150;
  static final double LOGNORMAL_SIGMA = 0.9;
  static final int MIN_LENGTH = 8;
  static final int MAX_LENGTH = 8192;

  public Workload {
    documents = List.copyOf(documents);
  }

  /** Parses {@code fixed:L} or {@code lognormal}. */
  public static Workload parse(String spec, int lognormalDocuments, long seed) {
    if (spec.equals("lognormal")) {
      return lognormal(lognormalDocuments, seed);
    }
    if (spec.startsWith("fixed:")) {
      int length = Integer.parseInt(spec.substring("fixed:".length()));
      if (length < 2 || length > MAX_LENGTH) {
        throw new IllegalArgumentException("fixed length must be 2 to " + MAX_LENGTH + ": " + spec);
      }
      return fixed(length, Math.max(2, FIXED_TOKENS / length), seed);
    }
    throw new IllegalArgumentException("unknown workload '" + spec + "' (fixed:L or lognormal)");
  }

  public static Workload fixed(int length, int count, long seed) {
    Random random = new Random(seed);
    List<int[]> documents = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      documents.add(document(random, length));
    }
    return new Workload("fixed:" + length, documents);
  }

  public static Workload lognormal(int count, long seed) {
    Random random = new Random(seed);
    List<int[]> documents = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      double length =
          Math.exp(Math.log(LOGNORMAL_MEDIAN) + LOGNORMAL_SIGMA * random.nextGaussian());
      int clamped = (int) Math.max(MIN_LENGTH, Math.min(MAX_LENGTH, Math.round(length)));
      documents.add(document(random, clamped));
    }
    return new Workload("lognormal", documents);
  }

  private static int[] document(Random random, int length) {
    int[] ids = new int[length];
    for (int t = 1; t < length - 1; t++) {
      ids[t] = 1000 + random.nextInt(49_000);
    }
    ids[0] = CLS;
    ids[length - 1] = SEP;
    return ids;
  }

  public long tokens() {
    long tokens = 0;
    for (int[] document : documents) {
      tokens += document.length;
    }
    return tokens;
  }
}
