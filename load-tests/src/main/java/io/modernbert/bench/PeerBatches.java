package io.modernbert.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How a user would batch for ONNX Runtime: up to 32 documents per batch, padded to the longest.
 *
 * <p>One guard a user needs too: the exported graph materializes [batch, heads, len, len] on every
 * layer, so 32 documents padded to 2,000+ tokens would need tens of GB. A batch is therefore also
 * cut before its padded size passes {@link #MAX_PADDED_SLOTS} (this only ever helps the peer).
 */
final class PeerBatches {
  static final int BATCH_DOCUMENTS = 32;
  static final int MAX_PADDED_SLOTS = 16_384;

  private PeerBatches() {}

  /** Batches in arrival order. */
  static List<List<int[]>> arrival(List<int[]> documents) {
    return cut(documents);
  }

  /** Batches of documents sorted by length, so that padding is small. */
  static List<List<int[]>> sorted(List<int[]> documents) {
    List<int[]> byLength = new ArrayList<>(documents);
    byLength.sort(Comparator.comparingInt(d -> d.length));
    return cut(byLength);
  }

  /** Documents of a fixed workload: about 1,024 tokens per batch, as measured in DESIGN.md. */
  static List<List<int[]>> fixed(List<int[]> documents) {
    int perBatch = Math.max(1, 1024 / documents.get(0).length);
    List<List<int[]>> batches = new ArrayList<>();
    for (int i = 0; i < documents.size(); i += perBatch) {
      batches.add(documents.subList(i, Math.min(documents.size(), i + perBatch)));
    }
    return batches;
  }

  private static List<List<int[]>> cut(List<int[]> documents) {
    List<List<int[]>> batches = new ArrayList<>();
    List<int[]> current = new ArrayList<>();
    int longest = 0;
    for (int[] document : documents) {
      int newLongest = Math.max(longest, document.length);
      boolean full =
          current.size() == BATCH_DOCUMENTS
              || (long) newLongest * (current.size() + 1) > MAX_PADDED_SLOTS;
      if (full && !current.isEmpty()) {
        batches.add(current);
        current = new ArrayList<>();
        newLongest = document.length;
      }
      current.add(document);
      longest = newLongest;
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  static long paddedSlots(List<List<int[]>> batches) {
    long slots = 0;
    for (List<int[]> batch : batches) {
      slots += (long) batch.size() * batch.stream().mapToInt(d -> d.length).max().orElse(0);
    }
    return slots;
  }
}
