package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modernbert.model.testing.BrokenModels;
import io.modernbert.model.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a model folder can be wrong fails at load with a message naming the file or tensor. */
class ModelLoadingErrorsTest {
  @TempDir Path folder;

  private void assertLoadFails(String... fragments) {
    var assertion =
        assertThatThrownBy(() -> InferenceEngine.load(folder, Fixtures.testOptions()).close());
    for (String fragment : fragments) {
      assertion.hasMessageContaining(fragment);
    }
  }

  @Test
  void shouldNameTheFolderWhenModelSafetensorsIsMissing() throws IOException {
    BrokenModels.tinyCopy(folder);
    Files.delete(folder.resolve("model.safetensors"));
    assertLoadFails(folder.toString(), "model.safetensors");
  }

  @Test
  void shouldNameTheFileWhenTruncated() throws IOException {
    BrokenModels.tinyCopy(folder);
    Path file = folder.resolve("model.safetensors");
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(Files.size(file) / 2);
    }
    assertLoadFails(file.toString(), "truncated");
  }

  @Test
  void shouldNameTheFileWhenTheHeaderIsBad() throws IOException {
    BrokenModels.tinyCopy(folder);
    Path file = folder.resolve("model.safetensors");
    byte[] header = "{\"model.final_norm.weight\": {\"dtype\": \"F32\", \"shape\": [64".getBytes();
    ByteBuffer bytes = ByteBuffer.allocate(8 + header.length + 256).order(ByteOrder.LITTLE_ENDIAN);
    bytes.putLong(header.length).put(header);
    Files.write(file, bytes.array());
    assertLoadFails(file.toString(), "bad header");
  }

  @Test
  void shouldNameAMissingTensor() throws IOException {
    BrokenModels.tinyCopy(folder);
    BrokenModels.editWeights(
        folder,
        (tensors, shapes) -> {
          tensors.remove("model.layers.2.mlp.Wo.weight");
          shapes.remove("model.layers.2.mlp.Wo.weight");
        });
    assertLoadFails("missing tensor 'model.layers.2.mlp.Wo.weight'", folder.toString());
  }

  @Test
  void shouldNameATensorOfTheWrongShape() throws IOException {
    BrokenModels.tinyCopy(folder);
    BrokenModels.editWeights(
        folder,
        (tensors, shapes) -> {
          tensors.put("model.final_norm.weight", new float[32]);
          shapes.put("model.final_norm.weight", new long[] {32});
        });
    assertLoadFails("'model.final_norm.weight' has shape [32]", "[64]");
  }

  @Test
  void shouldNameAnUnexpectedTensor() throws IOException {
    BrokenModels.tinyCopy(folder);
    BrokenModels.editWeights(
        folder,
        (tensors, shapes) -> {
          tensors.put("model.layers.6.attn.Wo.weight", new float[64 * 64]);
          shapes.put("model.layers.6.attn.Wo.weight", new long[] {64, 64});
        });
    assertLoadFails("unexpected tensor", "model.layers.6.attn.Wo.weight");
  }

  @Test
  void shouldNameAnUnknownArchitecture() throws IOException {
    BrokenModels.tinyCopy(folder);
    BrokenModels.editConfig(folder, "ModernBertForSequenceClassification", "BertForMaskedLM");
    assertLoadFails("config.json", "unknown architectures entry 'BertForMaskedLM'");
  }

  @Test
  void shouldRejectAVocabularyThatDoesNotMatchTheTokenizer() throws IOException {
    BrokenModels.tinyCopy(folder);
    BrokenModels.editConfig(folder, "\"vocab_size\": 50368", "\"vocab_size\": 50000");
    assertLoadFails("tokenizer.json", "50367", "vocab_size 50000");
  }

  @Test
  void shouldNameAMissingConfig() throws IOException {
    BrokenModels.tinyCopy(folder);
    Files.delete(folder.resolve("config.json"));
    assertLoadFails(folder.resolve("config.json").toString(), "not found");
  }

  @Test
  void shouldNameAMissingTokenizer() throws IOException {
    BrokenModels.tinyCopy(folder);
    Files.delete(folder.resolve("tokenizer.json"));
    assertLoadFails(folder.resolve("tokenizer.json").toString());
  }
}
