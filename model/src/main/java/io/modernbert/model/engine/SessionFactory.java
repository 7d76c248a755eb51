package io.modernbert.model.engine;

import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;

/**
 * The TensorFlow session settings for {@link EngineOptions}: threads, device, XLA.
 *
 * <p>XLA on CPU needs TensorFlow's process-wide {@code tf_xla_cpu_global_jit} flag; once any engine
 * asks for XLA it is set, and each session then decides for itself through its {@code
 * global_jit_level} (ON_2 or OFF), so engines with and without XLA can share a process. On GPU the
 * jit level alone decides.
 */
final class SessionFactory {
  private SessionFactory() {}

  static Session open(Graph graph, EngineOptions options) {
    if (options.xla() && options.device() == EngineOptions.Device.CPU) {
      tensorflow.TF_SetTfXlaCpuGlobalJit((byte) 1);
    }
    int threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
    OptimizerOptions.GlobalJitLevel jit =
        options.xla() ? OptimizerOptions.GlobalJitLevel.ON_2 : OptimizerOptions.GlobalJitLevel.OFF;
    ConfigProto.Builder config =
        ConfigProto.newBuilder()
            .setIntraOpParallelismThreads(threads)
            // One op at a time: the ops of one pass are large enough to use every core, and
            // sequential execution keeps the chunked attention's peak memory bounded.
            .setInterOpParallelismThreads(1)
            .setGraphOptions(
                GraphOptions.newBuilder()
                    .setOptimizerOptions(OptimizerOptions.newBuilder().setGlobalJitLevel(jit)));
    if (options.device() == EngineOptions.Device.CPU) {
      config.putDeviceCount("GPU", 0);
    } else {
      config.setAllowSoftPlacement(true).setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true));
    }
    return new Session(graph, config.build());
  }
}
