package io.modernbert.model.engine;

import io.modernbert.model.graph.BatchShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Packs documents into forward passes of the engine's fixed shapes, wasting as few slots as it can.
 *
 * <p>Longest documents first: the longest unplaced document picks the row length, the shortest that
 * holds it; rows are then filled first-fit from all unplaced documents, longest first, so short
 * documents fill the gaps beside long ones. When such a pass would use less than {@link #MIN_FILL}
 * of its slots (documents of 65 to 128 tokens each alone in a 128-slot row), rows of up to {@link
 * #PREFERRED_MIN_ROW} slots are tried and kept if they fill better. A pass has at most as many rows
 * as the token budget allows; a partial pass of k rows is split into passes of 2^i rows (5 = 4 +
 * 1), so no pass ever computes an empty row.
 *
 * <p>Guarantees ({@code BatchPlannerPropertyTest}): every document lands in exactly one pass,
 * whole, in one row; no pass exceeds the token budget or has an empty row; a pass's row length is
 * at most the larger of twice its longest document and {@link #PREFERRED_MIN_ROW} (row lengths
 * double, and the shortest that holds the longest document is tried first).
 */
public final class BatchPlanner {
  /**
   * Shortest row when enough tokens wait: several short documents share a row. Global attention
   * over 512 slots costs ModernBERT-base about 5% over 128 slots, far less than half-empty rows.
   */
  static final int PREFERRED_MIN_ROW = 512;

  /** Below this share of used slots, wider rows are tried. */
  static final double MIN_FILL = 0.9;

  private final TreeMap<Integer, Integer> maxRowsByLength = new TreeMap<>();
  private final int padId;

  public BatchPlanner(List<BatchShape> shapes, int padId) {
    for (BatchShape shape : shapes) {
      maxRowsByLength.merge(shape.length(), shape.rows(), Math::max);
    }
    this.padId = padId;
  }

  /** The longest document a pass can hold. */
  public int maxLength() {
    return maxRowsByLength.lastKey();
  }

  /** Plans passes for {@code documents} (token ids each); every document lands in exactly one. */
  public List<PackedBatch> plan(List<int[]> documents) {
    List<Integer> order = new ArrayList<>(documents.size());
    for (int i = 0; i < documents.size(); i++) {
      int length = documents.get(i).length;
      if (length == 0 || length > maxLength()) {
        throw new IllegalArgumentException(
            "document " + i + " has " + length + " tokens; a pass holds 1 to " + maxLength());
      }
      order.add(i);
    }
    order.sort(
        Comparator.comparingInt((Integer i) -> -documents.get(i).length).thenComparing(i -> i));

    List<PackedBatch> batches = new ArrayList<>();
    boolean[] placed = new boolean[documents.size()];
    int next = 0; // first index in `order` that may be unplaced
    long unplacedTokens = documents.stream().mapToLong(d -> d.length).sum();
    while (next < order.size()) {
      int longest = documents.get(order.get(next)).length;
      int tight = maxRowsByLength.ceilingKey(longest);
      Fill fill = fill(documents, order, next, placed, tight);
      Integer wide =
          maxRowsByLength.ceilingKey(
              (int) Math.max(longest, Math.min(PREFERRED_MIN_ROW, unplacedTokens)));
      if (wide != null && wide > tight && fill.usedShare() < MIN_FILL) {
        Fill wider = fill(documents, order, next, placed, wide);
        if (wider.usedShare() > fill.usedShare()) {
          fill = wider;
        }
      }
      for (List<Integer> row : fill.rows()) {
        for (int doc : row) {
          placed[doc] = true;
          unplacedTokens -= documents.get(doc).length;
        }
      }
      while (next < order.size() && placed[order.get(next)]) {
        next++;
      }
      List<List<Integer>> rows = fill.rows();
      for (int start = 0; start < rows.size(); ) {
        int count = Integer.highestOneBit(rows.size() - start);
        batches.add(
            pack(
                new BatchShape(count, fill.length()),
                rows.subList(start, start + count),
                documents));
        start += count;
      }
    }
    return batches;
  }

  /** A pass of exactly {@code shape} holding one document in its first row (warm-up). */
  static PackedBatch single(BatchShape shape, int[] document, int padId) {
    return pack(shape, List.of(List.of(0)), List.of(document), padId);
  }

  /**
   * The rows of one pass of row length {@code length}, filled first-fit from the unplaced
   * documents.
   */
  private record Fill(int length, List<List<Integer>> rows, long tokens) {
    double usedShare() {
      return tokens / (double) ((long) rows.size() * length);
    }
  }

  private Fill fill(
      List<int[]> documents, List<Integer> order, int next, boolean[] placed, int length) {
    int maxRows = maxRowsByLength.get(length);
    List<List<Integer>> rows = new ArrayList<>();
    List<Integer> free = new ArrayList<>();
    long tokens = 0;
    for (int k = next; k < order.size(); k++) {
      int doc = order.get(k);
      int size = documents.get(doc).length;
      if (placed[doc] || size > length) {
        continue;
      }
      int row = firstFit(free, size);
      if (row < 0 && rows.size() < maxRows) {
        rows.add(new ArrayList<>());
        free.add(length);
        row = rows.size() - 1;
      }
      if (row >= 0) {
        rows.get(row).add(doc);
        free.set(row, free.get(row) - size);
        tokens += size;
      }
    }
    return new Fill(length, rows, tokens);
  }

  private static int firstFit(List<Integer> free, int size) {
    for (int row = 0; row < free.size(); row++) {
      if (free.get(row) >= size) {
        return row;
      }
    }
    return -1;
  }

  private PackedBatch pack(BatchShape shape, List<List<Integer>> rows, List<int[]> documents) {
    return pack(shape, rows, documents, padId);
  }

  private static PackedBatch pack(
      BatchShape shape, List<List<Integer>> rows, List<int[]> documents, int padId) {
    int slots = shape.slots();
    int[] ids = new int[slots];
    int[] positions = new int[slots];
    int[] segments = new int[slots];
    Arrays.fill(ids, padId);
    Arrays.fill(segments, -1);
    List<PackedBatch.Placement> placements = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      int offset = r * shape.length();
      for (int doc : rows.get(r)) {
        int[] tokens = documents.get(doc);
        int segment = placements.size();
        System.arraycopy(tokens, 0, ids, offset, tokens.length);
        for (int t = 0; t < tokens.length; t++) {
          positions[offset + t] = t;
          segments[offset + t] = segment;
        }
        placements.add(new PackedBatch.Placement(doc, offset, tokens.length));
        offset += tokens.length;
      }
    }
    int[] clsIndex = placements.stream().mapToInt(PackedBatch.Placement::offset).toArray();
    return new PackedBatch(shape, ids, positions, segments, clsIndex, List.copyOf(placements));
  }
}
