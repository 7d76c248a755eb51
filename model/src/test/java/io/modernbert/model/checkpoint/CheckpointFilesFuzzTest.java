package io.modernbert.model.checkpoint;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.modernbert.model.config.ConfigException;
import io.modernbert.model.config.ModernBertConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A checkpoint folder comes from outside (a download, a shared volume): any {@code
 * model.safetensors} either opens or fails with a {@link CheckpointException} naming the file, and
 * any {@code config.json} loads or fails with a {@link ConfigException}. Anything else escaping (an
 * index out of bounds on a lying header, an out-of-memory from a claimed length) is a finding.
 */
class CheckpointFilesFuzzTest {
  private static Path folder;

  @BeforeAll
  static void makeFolder() throws IOException {
    folder = Files.createTempDirectory("checkpoint-fuzz");
  }

  @AfterAll
  static void removeFolder() throws IOException {
    try (var files = Files.list(folder)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(folder);
  }

  @FuzzTest(maxDuration = "20s")
  void safetensors(byte[] contents) {
    Path file = write("model.safetensors", contents);
    try (SafetensorsFile opened = SafetensorsFile.open(file)) {
      for (String name : opened.tensors().keySet()) {
        opened.rawBytes(name); // every tensor the header claims must lie inside the file
      }
    } catch (CheckpointException expected) {
      // a malformed file: the loader's error names it
    }
  }

  @FuzzTest(maxDuration = "20s")
  void configJson(byte[] contents) {
    write("config.json", contents);
    try {
      ModernBertConfig.load(folder);
    } catch (ConfigException expected) {
      // an unusable config: the error names the file and the key
    }
  }

  private static Path write(String name, byte[] contents) {
    try {
      return Files.write(folder.resolve(name), contents);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
