package io.modernbert.load;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * How full the service's model batches were, from the headers every output carries. Outputs of one
 * batch share {@code modernbert.batch.id}, so each batch is counted once however many of its
 * outputs are read. {@code modernbert.batch.slots} (token slots including padding) is optional:
 * services that do not send it report no padding share.
 */
final class BatchStats {
  static final String ID = "modernbert.batch.id";
  static final String DOCUMENTS = "modernbert.batch.documents";
  static final String TOKENS = "modernbert.batch.tokens";
  static final String SLOTS = "modernbert.batch.slots";
  static final String INFERENCE_MS = "modernbert.inference.ms";

  /** One model batch; {@code slots} and {@code inferenceMs} are -1 when the header was absent. */
  record Batch(String id, int documents, long tokens, long slots, double inferenceMs) {
    /** 1 - tokens/slots, or NaN without slots. */
    double paddingShare() {
      return slots > 0 ? 1.0 - (double) tokens / slots : Double.NaN;
    }
  }

  private final Map<String, Batch> batches = new LinkedHashMap<>();
  private long withoutHeaders;

  /** Reads one output's headers; outputs without a batch id or counts are counted, not kept. */
  synchronized void record(Headers headers) {
    String id = text(headers, ID);
    String documents = text(headers, DOCUMENTS);
    String tokens = text(headers, TOKENS);
    if (id == null || documents == null || tokens == null) {
      withoutHeaders++;
      return;
    }
    if (batches.containsKey(id)) {
      return;
    }
    try {
      String slots = text(headers, SLOTS);
      String millis = text(headers, INFERENCE_MS);
      batches.put(
          id,
          new Batch(
              id,
              Integer.parseInt(documents),
              Long.parseLong(tokens),
              slots == null ? -1 : Long.parseLong(slots),
              millis == null ? -1 : Double.parseDouble(millis)));
    } catch (NumberFormatException e) {
      withoutHeaders++; // a header that is not a decimal number is as good as none
    }
  }

  synchronized List<Batch> batches() {
    return new ArrayList<>(batches.values());
  }

  synchronized long outputsWithoutHeaders() {
    return withoutHeaders;
  }

  /** Padding over all batches that report slots: 1 - sum(tokens)/sum(slots); NaN if none do. */
  static double paddingShare(List<Batch> batches) {
    long tokens = 0;
    long slots = 0;
    for (Batch batch : batches) {
      if (batch.slots() > 0) {
        tokens += batch.tokens();
        slots += batch.slots();
      }
    }
    return slots > 0 ? 1.0 - (double) tokens / slots : Double.NaN;
  }

  private static String text(Headers headers, String key) {
    Header header = headers.lastHeader(key);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8).trim();
  }
}
