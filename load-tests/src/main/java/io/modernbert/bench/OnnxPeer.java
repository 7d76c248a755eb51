package io.modernbert.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * The peer: ONNX Runtime (CPU) running ModernBERT-base exported from transformers, batches padded
 * to their longest document with an attention mask, as a Java user would run it.
 */
final class OnnxPeer implements AutoCloseable {
  private static final long PAD = 50283;

  private final OrtEnvironment environment;
  private final OrtSession session;

  private OnnxPeer(OrtEnvironment environment, OrtSession session) {
    this.environment = environment;
    this.session = session;
  }

  /**
   * Copies {@code peerDir/mb-base.onnx} into {@code workDir} and writes its external weight file
   * there if missing (the layout says where each tensor lies; values are small and deterministic,
   * since only shapes matter for speed), then opens a session with {@code threads} intra-op
   * threads.
   */
  static OnnxPeer open(Path peerDir, Path workDir, int threads) throws IOException, OrtException {
    Files.createDirectories(workDir);
    Path model = workDir.resolve("mb-base.onnx");
    Files.copy(peerDir.resolve("mb-base.onnx"), model, StandardCopyOption.REPLACE_EXISTING);
    writeWeightsIfMissing(peerDir.resolve("mb-base.layout.json"), workDir);
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(threads);
    options.setInterOpNumThreads(1);
    options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    return new OnnxPeer(environment, environment.createSession(model.toString(), options));
  }

  private static void writeWeightsIfMissing(Path layoutFile, Path workDir) throws IOException {
    JsonNode layout = new ObjectMapper().readTree(Files.readString(layoutFile));
    Path data = workDir.resolve(layout.get("data_file").asText());
    long expectedSize = 0;
    for (JsonNode tensor : layout.get("tensors")) {
      expectedSize =
          Math.max(expectedSize, tensor.get("offset").asLong() + tensor.get("length").asLong());
    }
    if (Files.exists(data) && Files.size(data) == expectedSize) {
      return;
    }
    // 1 MiB of float32 values 0.02 * sin(0.7368 i), repeated over every tensor's bytes.
    ByteBuffer block = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < (1 << 18); i++) {
      block.putFloat((float) (0.02 * Math.sin(i * 0.7368)));
    }
    try (FileChannel out =
        FileChannel.open(
            data,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      for (JsonNode tensor : layout.get("tensors")) {
        long position = tensor.get("offset").asLong();
        long left = tensor.get("length").asLong();
        while (left > 0) {
          int n = (int) Math.min(left, block.capacity());
          block.clear().limit(n);
          while (block.hasRemaining()) {
            position += out.write(block, position);
          }
          left -= n;
        }
      }
    }
  }

  /** One batch, padded to its longest document; returns the number of padded slots computed. */
  long run(List<int[]> batch) throws OrtException {
    int length = batch.stream().mapToInt(d -> d.length).max().orElseThrow();
    long[] shape = {batch.size(), length};
    LongBuffer ids = LongBuffer.allocate(batch.size() * length);
    LongBuffer mask = LongBuffer.allocate(batch.size() * length);
    for (int[] document : batch) {
      for (int t = 0; t < length; t++) {
        ids.put(t < document.length ? document[t] : PAD);
        mask.put(t < document.length ? 1 : 0);
      }
    }
    ids.flip();
    mask.flip();
    try (OnnxTensor idsTensor = OnnxTensor.createTensor(environment, ids, shape);
        OnnxTensor maskTensor = OnnxTensor.createTensor(environment, mask, shape);
        OrtSession.Result result =
            session.run(Map.of("input_ids", idsTensor, "attention_mask", maskTensor))) {
      if (result.size() == 0) {
        throw new IllegalStateException("ONNX Runtime returned no output");
      }
    }
    return (long) batch.size() * length;
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
