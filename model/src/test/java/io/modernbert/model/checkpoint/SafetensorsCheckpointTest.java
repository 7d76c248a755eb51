package io.modernbert.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsCheckpointTest {

  private static final String SHARD_1 = "model-00001-of-00002.safetensors";
  private static final String SHARD_2 = "model-00002-of-00002.safetensors";

  @TempDir Path dir;

  @Test
  void shouldOpenASingleFileCheckpoint() {
    write(SafetensorsCheckpoint.SINGLE_FILE, "b", new float[] {1, 2}, "a", new float[] {3});
    try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(dir)) {
      assertThat(checkpoint.directory()).isEqualTo(dir);
      assertThat(checkpoint.tensors().keySet()).containsExactly("a", "b");
      assertThat(checkpoint.readFloats("b")).containsExactly(1f, 2f);
      assertThat(checkpoint.info("a").shape()).containsExactly(1);
    }
  }

  @Test
  void shouldOpenEveryShardNamedByTheIndex() throws IOException {
    write(SHARD_1, "layer.0.w", new float[] {1, 2}, "layer.1.w", new float[] {3});
    write(SHARD_2, "layer.2.w", new float[] {4, 5, 6}, "stray", new float[] {0});
    writeIndex(Map.of("layer.0.w", SHARD_1, "layer.1.w", SHARD_1, "layer.2.w", SHARD_2));
    try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(dir)) {
      assertThat(checkpoint.tensors().keySet())
          .containsExactly("layer.0.w", "layer.1.w", "layer.2.w");
      assertThat(checkpoint.readFloats("layer.0.w")).containsExactly(1f, 2f);
      assertThat(checkpoint.readFloats("layer.2.w")).containsExactly(4f, 5f, 6f);
      assertThat(checkpoint.info("layer.2.w").dtype()).isEqualTo(SafetensorsDType.F32);
      assertThatThrownBy(() -> checkpoint.readFloats("stray"))
          .isInstanceOf(CheckpointException.class)
          .hasMessage("tensor stray not found in " + dir);
    }
  }

  @Test
  void shouldNameTheIndexAndTheShardWhenAShardIsMissing() throws IOException {
    write(SHARD_1, "layer.0.w", new float[] {1});
    writeIndex(Map.of("layer.0.w", SHARD_1, "layer.1.w", SHARD_2));
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageStartingWith(dir.resolve(SafetensorsCheckpoint.INDEX_FILE).toString())
        .hasMessageContaining(SHARD_2)
        .hasMessageContaining("layer.1.w")
        .hasMessageContaining("missing");
  }

  @Test
  void shouldNameTheTensorWhenItsShardDoesNotContainIt() throws IOException {
    write(SHARD_1, "layer.0.w", new float[] {1});
    write(SHARD_2, "layer.2.w", new float[] {1});
    writeIndex(Map.of("layer.0.w", SHARD_1, "layer.1.w", SHARD_2));
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageStartingWith(dir.resolve(SafetensorsCheckpoint.INDEX_FILE).toString())
        .hasMessageContaining("tensor layer.1.w")
        .hasMessageContaining(SHARD_2);
  }

  @Test
  void shouldRejectAnIndexWithoutAWeightMap() throws IOException {
    Files.writeString(dir.resolve(SafetensorsCheckpoint.INDEX_FILE), "{\"metadata\": {}}");
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(SafetensorsCheckpoint.INDEX_FILE)
        .hasMessageContaining("weight_map");
  }

  @Test
  void shouldRejectAShardOutsideTheModelDirectory() throws IOException {
    writeIndex(Map.of("w", "../elsewhere.safetensors"));
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("outside");
  }

  @Test
  void shouldReportADirectoryWithoutCheckpoint() {
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessage("no model.safetensors or model.safetensors.index.json in " + dir);
  }

  @Test
  void shouldCloseEveryShard() throws IOException {
    write(SHARD_1, "a", new float[] {1});
    write(SHARD_2, "b", new float[] {2});
    writeIndex(Map.of("a", SHARD_1, "b", SHARD_2));
    SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(dir);
    checkpoint.close();
    assertThatThrownBy(() -> checkpoint.readFloats("a")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> checkpoint.readFloats("b")).isInstanceOf(IllegalStateException.class);
  }

  /** Writes F32 tensors given as alternating name, values; each tensor is one-dimensional. */
  private void write(String fileName, Object... namesAndValues) {
    Map<String, float[]> values = new TreeMap<>();
    Map<String, long[]> shapes = new TreeMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      float[] data = (float[]) namesAndValues[i + 1];
      values.put((String) namesAndValues[i], data);
      shapes.put((String) namesAndValues[i], new long[] {data.length});
    }
    SafetensorsWriter.write(dir.resolve(fileName), values, shapes, SafetensorsDType.F32, Map.of());
  }

  private void writeIndex(Map<String, String> weightMap) throws IOException {
    StringBuilder json =
        new StringBuilder("{\"metadata\": {\"total_size\": 123}, \"weight_map\": {");
    String separator = "";
    for (Map.Entry<String, String> entry : new TreeMap<>(weightMap).entrySet()) {
      json.append(separator)
          .append('"')
          .append(entry.getKey())
          .append("\": \"")
          .append(entry.getValue())
          .append('"');
      separator = ", ";
    }
    Files.writeString(dir.resolve(SafetensorsCheckpoint.INDEX_FILE), json.append("}}"));
  }
}
