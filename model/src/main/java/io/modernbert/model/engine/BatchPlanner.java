package io.modernbert.model.engine;

import io.modernbert.model.graph.BatchShape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Packs documents into forward passes of the engine's fixed shapes, wasting as few slots as it can.
 *
 * <p>Longest documents first: the longest unplaced document picks the row length (the shortest
 * that holds it, but at least {@link #PREFERRED_MIN_ROW} when there are that many tokens to
 * place, so that documents of 65 to 128 tokens do not each waste half a 128-slot row); rows are
 * then filled first-fit from all unplaced documents, longest first, so short documents fill the
 * gaps beside long ones. A pass has at most as many rows as the token
 * budget allows; a partial pass of k rows is split into passes of 2^i rows (5 = 4 + 1), so no pass
 * ever computes an empty row.
 */
public final class BatchPlanner {
  /**
   * Shortest row when enough tokens wait: several short documents share a row. Global attention
   * over 512 slots costs ModernBERT-base about 5% over 128 slots, far less than half-empty rows.
   */
  static final int PREFERRED_MIN_ROW = 512;

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
    order.sort(Comparator.comparingInt((Integer i) -> -documents.get(i).length).thenComparing(i -> i));

    List<PackedBatch> batches = new ArrayList<>();
    boolean[] placed = new boolean[documents.size()];
    int next = 0; // first index in `order` that may be unplaced
    long unplacedTokens = documents.stream().mapToLong(d -> d.length).sum();
    while (next < order.size()) {
      int preferred = (int) Math.min(PREFERRED_MIN_ROW, unplacedTokens);
      Integer fitting = maxRowsByLength.ceilingKey(Math.max(documents.get(order.get(next)).length, preferred));
      int length = fitting != null ? fitting : maxRowsByLength.ceilingKey(documents.get(order.get(next)).length);
      int maxRows = maxRowsByLength.get(length);
      List<List<Integer>> rows = new ArrayList<>();
      List<Integer> free = new ArrayList<>();
      for (int k = next; k < order.size(); k++) {
        int doc = order.get(k);
        if (placed[doc]) {
          continue;
        }
        int size = documents.get(doc).length;
        int row = firstFit(free, size);
        if (row < 0 && rows.size() < maxRows) {
          rows.add(new ArrayList<>());
          free.add(length);
          row = rows.size() - 1;
        }
        if (row >= 0) {
          rows.get(row).add(doc);
          free.set(row, free.get(row) - size);
          placed[doc] = true;
          unplacedTokens -= size;
        }
      }
      while (next < order.size() && placed[order.get(next)]) {
        next++;
      }
      for (int start = 0; start < rows.size(); ) {
        int count = Integer.highestOneBit(rows.size() - start);
        batches.add(pack(new BatchShape(count, length), rows.subList(start, start + count), documents));
        start += count;
      }
    }
    return batches;
  }

  /** A pass of exactly {@code shape} holding one document in its first row (warm-up). */
  PackedBatch single(BatchShape shape, int[] document) {
    return pack(shape, List.of(List.of(0)), List.of(document));
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
    int slots = shape.slots();
    int[] ids = new int[slots];
    int[] positions = new int[slots];
    int[] segments = new int[slots];
    java.util.Arrays.fill(ids, padId);
    java.util.Arrays.fill(segments, -1);
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
