package io.modernbert.model.engine;

import io.modernbert.model.graph.BatchShape;
import java.util.ArrayList;
import java.util.List;

/**
 * One forward pass: documents laid into {@code shape.rows()} rows of {@code shape.length()} slots,
 * several per row, each document contiguous. Arrays are row-major [rows * length].
 *
 * @param ids token ids; padding slots hold the pad id
 * @param positions position of each token within its document; 0 in padding
 * @param segments index of the document within this batch; -1 in padding
 * @param clsIndex flat slot of each document's first token, in placement order
 * @param placements where each document went, in the order of the pooled outputs
 */
public record PackedBatch(
    BatchShape shape,
    int[] ids,
    int[] positions,
    int[] segments,
    int[] clsIndex,
    List<Placement> placements) {

  /** Document {@code document} (the caller's index) occupies slots [offset, offset + length). */
  public record Placement(int document, int offset, int length) {}

  public int tokens() {
    int tokens = 0;
    for (Placement placement : placements) {
      tokens += placement.length();
    }
    return tokens;
  }

  /**
   * This pass with its documents numbered 0, 1, ... in placement order: a pass chosen from a larger
   * plan, to run over just its own documents (listed in that order).
   */
  public PackedBatch renumbered() {
    List<Placement> renumbered = new ArrayList<>(placements.size());
    for (int j = 0; j < placements.size(); j++) {
      Placement placement = placements.get(j);
      renumbered.add(new Placement(j, placement.offset(), placement.length()));
    }
    return new PackedBatch(shape, ids, positions, segments, clsIndex, List.copyOf(renumbered));
  }

  /** Slots that hold no token: the padding waste of this pass. */
  public int paddingSlots() {
    return shape.slots() - tokens();
  }
}
