package io.modernbert.model.engine;

import java.util.Arrays;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.proto.RewriterConfig;

/**
 * The TensorFlow session settings for {@link EngineOptions}: threads, device, XLA.
 *
 * <p>{@link XlaMode#FULL} asks for XLA auto-clustering through the session's {@code
 * global_jit_level} (ON_2; OFF otherwise), so engines in different modes can share a process.
 * {@link XlaMode#ELEMENTWISE} needs no session setting: the graph itself marks the ops to compile
 * ({@link XlaFusion}). For FULL on CPU, TensorFlow additionally needs its {@code
 * --tf_xla_cpu_global_jit} flag, read from the {@code TF_XLA_FLAGS} environment variable when the
 * native library loads. Setting it from Java through the C API ({@code TF_SetTfXlaCpuGlobalJit})
 * was tried and has no effect with TF Java 1.1.0's native build, so bin/modernbert exports the
 * variable and an engine asked for full XLA on CPU without it fails instead of silently running
 * without XLA.
 */
final class SessionFactory {
  static final String XLA_FLAGS_VARIABLE = "TF_XLA_FLAGS";
  static final String CPU_JIT_FLAG = "--tf_xla_cpu_global_jit";

  /**
   * TensorFlow gives every session of a process the intra-op thread pool of the first one opened,
   * whatever thread count the later ones ask for, unless this variable is true when the first
   * session opens: then each session owns a pool of its own size. The launchers set it.
   */
  static final String OWN_THREAD_POOLS_VARIABLE = "TF_OVERRIDE_GLOBAL_THREADPOOL";

  private SessionFactory() {}

  static boolean cpuJitAllowed(String xlaFlags) {
    return xlaFlags != null && Arrays.asList(xlaFlags.trim().split("\\s+")).contains(CPU_JIT_FLAG);
  }

  /** Whether sessions in this process get thread pools of their own size. */
  static boolean ownThreadPools() {
    String value = System.getenv(OWN_THREAD_POOLS_VARIABLE);
    return value != null && (value.equalsIgnoreCase("true") || value.equals("1"));
  }

  static Session open(Graph graph, EngineOptions options) {
    if (options.xla() == XlaMode.FULL
        && options.device() == EngineOptions.Device.CPU
        && !cpuJitAllowed(System.getenv(XLA_FLAGS_VARIABLE))) {
      throw new IllegalStateException(
          "full XLA on CPU needs "
              + XLA_FLAGS_VARIABLE
              + "="
              + CPU_JIT_FLAG
              + " in the environment before the JVM starts"
              + " (bin/modernbert sets it); use --xla ELEMENTWISE or OFF otherwise");
    }
    int threads =
        options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
    OptimizerOptions.GlobalJitLevel jit =
        options.xla() == XlaMode.FULL
            ? OptimizerOptions.GlobalJitLevel.ON_2
            : OptimizerOptions.GlobalJitLevel.OFF;
    GraphOptions.Builder graphOptions =
        GraphOptions.newBuilder()
            .setOptimizerOptions(OptimizerOptions.newBuilder().setGlobalJitLevel(jit));
    if (options.xla() == XlaMode.OFF) {
      // Grappler rewrites nothing in our graph without XLA but deduplicates a few constants (the
      // langid model: 161 of 618 nodes per shape, remapper and arithmetic 0), and it runs on each
      // shape's first pass: 10 serving shapes warmed in 2.3 s with it and 1.0 s without, with
      // tokens/s within 2% (bench, lognormal). With XLA its rewrites feed the clusters: kept.
      graphOptions.setRewriteOptions(RewriterConfig.newBuilder().setDisableMetaOptimizer(true));
    }
    ConfigProto.Builder config =
        ConfigProto.newBuilder()
            .setIntraOpParallelismThreads(threads)
            // One op at a time: the ops of one pass are large enough to use every core, and
            // sequential execution keeps the chunked attention's peak memory bounded.
            .setInterOpParallelismThreads(1)
            // An inter-op pool of this session's own. Without it every session of the process runs
            // its ops on one global pool of the first session's size (one thread): a pass of the
            // serving shapes beside a pass of the larger ones then waited behind each of its ops
            // (a 1x128 request took 24 to 418 ms during a burst instead of 5 ms).
            .setUsePerSessionThreads(true)
            .setGraphOptions(graphOptions);
    if (options.device() == EngineOptions.Device.CPU) {
      config.putDeviceCount("GPU", 0);
    } else {
      config
          .setAllowSoftPlacement(true)
          .setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true));
    }
    return new Session(graph, config.build());
  }
}
