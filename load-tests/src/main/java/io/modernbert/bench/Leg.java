package io.modernbert.bench;

/**
 * One engine's run through one workload, as a pair runs it: warmed up once, then timed once in
 * every pair. The engine behind it stays loaded for all the pairs of the workload.
 */
interface Leg {

  /** The table's engine column: "ours fp32", "onnxruntime", "onnxruntime sorted". */
  String engine();

  /**
   * Untimed: whatever a first run on this workload's shapes pays (compilation, allocator growth),
   * so that the first pair measures the same steady state as the last.
   */
  void warmUp() throws Exception;

  /** One timed run over all the workload's documents. */
  Measurement run() throws Exception;
}
