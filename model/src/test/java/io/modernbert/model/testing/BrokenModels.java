package io.modernbert.model.testing;

import io.modernbert.model.checkpoint.SafetensorsDType;
import io.modernbert.model.checkpoint.SafetensorsFile;
import io.modernbert.model.checkpoint.SafetensorsWriter;
import io.modernbert.model.checkpoint.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/** Copies of the tiny classifier with one thing wrong, for the loading-error tests. */
public final class BrokenModels {
  private BrokenModels() {}

  /** A writable copy of the tiny classifier in {@code folder}. */
  public static Path tinyCopy(Path folder) throws IOException {
    ModelFolders.copy(Fixtures.TINY_CLASSIFIER, folder);
    return folder;
  }

  /** Rewrites {@code folder/model.safetensors} after {@code edit} changed tensors and shapes. */
  public static void editWeights(
      Path folder, BiConsumer<Map<String, float[]>, Map<String, long[]>> edit) throws IOException {
    Path file = folder.resolve("model.safetensors");
    Map<String, float[]> tensors = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    try (SafetensorsFile source = SafetensorsFile.open(file)) {
      for (TensorInfo info : source.tensors().values()) {
        tensors.put(info.name(), source.readFloats(info.name()));
        shapes.put(info.name(), info.shape());
      }
    }
    edit.accept(tensors, shapes);
    SafetensorsWriter.write(file, tensors, shapes, SafetensorsDType.F32, Map.of("format", "pt"));
  }

  /** Replaces the first occurrence of {@code from} in {@code folder/config.json}. */
  public static void editConfig(Path folder, String from, String to) throws IOException {
    Path config = folder.resolve("config.json");
    String text = Files.readString(config);
    if (!text.contains(from)) {
      throw new IllegalArgumentException("config.json has no '" + from + "'");
    }
    Files.writeString(config, text.replaceFirst(java.util.regex.Pattern.quote(from), to));
  }
}
