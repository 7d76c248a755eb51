package io.modernbert.model.engine;

import io.modernbert.model.checkpoint.ModelWeights;
import io.modernbert.model.graph.GraphBuilder.WeightSpec;
import io.modernbert.model.graph.GraphNames;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Feeds one forward pass of the graph and reads its outputs. Every tensor made for the pass is
 * closed before {@link #run} returns; only the weights outlive it.
 */
final class GraphRunner {
  private final Session session;
  private final ModelWeights weights;
  private final List<WeightSpec> weightInputs;
  private final boolean classifier;

  /** The pooled outputs of one pass, one row per document in placement order. */
  record Outputs(
      float[][] mean,
      float[][] cls,
      float[][] max,
      float[][] head,
      float[][] logits,
      float[] hidden,
      int hiddenSize) {}

  GraphRunner(
      Session session, ModelWeights weights, List<WeightSpec> weightInputs, boolean classifier) {
    this.session = session;
    this.weights = weights;
    this.weightInputs = weightInputs;
    this.classifier = classifier;
  }

  /**
   * Runs a planned pass under its shape's scope; with a non-null {@code trace}, as {@link
   * #run(String, int, int, int[], int[], int[], int[], boolean, java.util.function.Consumer)}.
   */
  Outputs run(PackedBatch batch, boolean hidden, Consumer<RunMetadata> trace) {
    return run(
        batch.shape().scope(),
        batch.shape().rows(),
        batch.shape().length(),
        batch.ids(),
        batch.positions(),
        batch.segments(),
        batch.clsIndex(),
        hidden,
        trace);
  }

  /** Runs the pass under {@code scope}; inputs are row-major [rows, length]. */
  Outputs run(
      String scope,
      int rows,
      int length,
      int[] ids,
      int[] positions,
      int[] segments,
      int[] clsIndex,
      boolean hidden) {
    return run(scope, rows, length, ids, positions, segments, clsIndex, hidden, null);
  }

  /**
   * As {@link #run(String, int, int, int[], int[], int[], int[], boolean)}; with a non-null {@code
   * trace}, TensorFlow records every op's timing into it (for profiles, not for serving).
   */
  Outputs run(
      String scope,
      int rows,
      int length,
      int[] ids,
      int[] positions,
      int[] segments,
      int[] clsIndex,
      boolean hidden,
      Consumer<RunMetadata> trace) {
    Shape shape = Shape.of(rows, length);
    try (TInt32 idsTensor = TInt32.tensorOf(shape, DataBuffers.of(ids, true, false));
        TInt32 positionTensor = TInt32.tensorOf(shape, DataBuffers.of(positions, true, false));
        TInt32 segmentTensor = TInt32.tensorOf(shape, DataBuffers.of(segments, true, false));
        TInt32 clsTensor = TInt32.vectorOf(clsIndex)) {
      Session.Runner runner =
          session
              .runner()
              .feed(GraphNames.scoped(scope, GraphNames.INPUT_IDS), idsTensor)
              .feed(GraphNames.scoped(scope, GraphNames.POSITION_IDS), positionTensor)
              .feed(GraphNames.scoped(scope, GraphNames.SEGMENT_IDS), segmentTensor)
              .feed(GraphNames.scoped(scope, GraphNames.CLS_INDEX), clsTensor);
      for (WeightSpec spec : weightInputs) {
        // By name (the placeholder's): in XlaMode.ELEMENTWISE the session runs a re-imported copy.
        runner.feed(spec.name(), weights.tensors().get(spec.name()));
      }
      runner
          .fetch(GraphNames.scoped(scope, GraphNames.POOLED_MEAN))
          .fetch(GraphNames.scoped(scope, GraphNames.POOLED_CLS))
          .fetch(GraphNames.scoped(scope, GraphNames.POOLED_MAX));
      if (classifier) {
        runner
            .fetch(GraphNames.scoped(scope, GraphNames.HEAD))
            .fetch(GraphNames.scoped(scope, GraphNames.LOGITS));
      }
      if (hidden) {
        runner.fetch(GraphNames.scoped(scope, GraphNames.LAST_HIDDEN_STATE));
      }
      if (trace != null) {
        runner.setOptions(
            RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
      }
      try (Result result = trace != null ? runner.runAndFetchMetadata() : runner.run()) {
        if (trace != null) {
          result.getMetadata().ifPresent(trace);
        }
        float[][] mean = matrix(result.get(0));
        int next = 3;
        float[][] head = classifier ? matrix(result.get(next++)) : null;
        float[][] logits = classifier ? matrix(result.get(next++)) : null;
        float[] states = hidden ? flat(result.get(next)) : null;
        return new Outputs(
            mean,
            matrix(result.get(1)),
            matrix(result.get(2)),
            head,
            logits,
            states,
            mean[0].length);
      }
    }
  }

  private static float[] flat(Tensor tensor) {
    TFloat32 values = (TFloat32) tensor;
    float[] flat = new float[Math.toIntExact(values.shape().size())];
    values.copyTo(DataBuffers.of(flat, false, false));
    return flat;
  }

  /** A rank-2 float tensor as rows. */
  private static float[][] matrix(Tensor tensor) {
    int rows = (int) tensor.shape().get(0);
    int columns = (int) tensor.shape().get(1);
    float[] flat = flat(tensor);
    float[][] result = new float[rows][];
    for (int r = 0; r < rows; r++) {
      result[r] = Arrays.copyOfRange(flat, r * columns, (r + 1) * columns);
    }
    return result;
  }
}
