package io.modernbert.stream.scheduler;

import io.modernbert.model.engine.DocumentInput;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.PackedBatch;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs the model on one scheduler pass: the engine's planned {@code encode} in production; tests
 * wrap it to inject failures. {@code plan} places each of {@code documents} exactly once (the pass
 * the selector chose, or the passes of a retry). Results in input order; {@code onPacked} hears of
 * every packed forward pass. {@code hiddenStates}: also return every token's last hidden state
 * (some job of the pass asked).
 */
@FunctionalInterface
public interface PassRunner {
  List<EncodedDocument> run(
      List<DocumentInput> documents,
      List<PackedBatch> plan,
      boolean hiddenStates,
      Consumer<PackedBatch> onPacked);
}
