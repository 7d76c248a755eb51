package io.modernbert.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The read-only reference data beside the repository ({@code ../shared}), or {@code
 * -Dmodernbert.shared=DIR}.
 */
final class SharedData {
  private SharedData() {}

  static Path resolve(String relative) {
    String override = System.getProperty("modernbert.shared");
    Path shared =
        (override != null ? Path.of(override) : Path.of("../../shared"))
            .toAbsolutePath()
            .normalize();
    if (!Files.isDirectory(shared)) {
      throw new IllegalStateException(
          "reference data not found at "
              + shared
              + ": put the shared reference data beside the clone (../shared), or run with"
              + " -Dmodernbert.shared=DIR");
    }
    return shared.resolve(relative);
  }
}
