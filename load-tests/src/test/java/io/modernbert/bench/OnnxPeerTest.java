package io.modernbert.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The peer really runs: weights written from the layout, one padded batch through ONNX Runtime. */
class OnnxPeerTest {
  @TempDir Path work;

  @Test
  void shouldRunAPaddedBatchOfTheExportedModel() throws Exception {
    Path peer = SharedData.resolve("peers/onnx");
    try (OnnxPeer onnx = OnnxPeer.open(peer, work, 2)) {
      List<int[]> batch =
          List.of(
              Workload.fixed(40, 1, 1).documents().get(0),
              Workload.fixed(64, 1, 2).documents().get(0));

      long slots = onnx.run(batch);

      assertThat(slots).isEqualTo(2 * 64);
    }
    assertThat(Files.size(work.resolve("mb-base.onnx.data"))).isGreaterThan(500_000_000L);
  }
}
