package io.modernbert.model.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** Writable copies of fixture model folders, for tests that edit or break them. */
public final class ModelFolders {
  private ModelFolders() {}

  /** Copies the regular files of {@code source} into {@code target} (writable). */
  public static void copy(Path source, Path target) throws IOException {
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(source)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(file)) {
          Path copy = target.resolve(file.getFileName().toString());
          Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
          copy.toFile().setWritable(true);
        }
      }
    }
  }
}
