package io.modernbert.model.testing;

import io.modernbert.model.engine.EngineOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the test data lives. Maven runs tests with the module directory as working directory; the
 * read-only reference data is in {@code ../shared} beside the repository, the default model in
 * {@code models/} inside it.
 */
public final class Fixtures {
  private Fixtures() {}

  public static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  public static final Path SHARED = locateShared();
  public static final Path GOLDEN = SHARED.resolve("fixtures/golden");
  public static final Path TINY_CLASSIFIER = SHARED.resolve("fixtures/tiny-classifier");
  public static final Path LANGID_MODEL = REPO.resolve("models/langid-modernbert");
  public static final Path LANGID_TEST = SHARED.resolve("fixtures/langid-test.jsonl");

  /** Engine options for tests: 2 threads (the machine has 2 cores), no warm-up of every shape. */
  public static EngineOptions testOptions() {
    return EngineOptions.defaults().withThreads(2).withWarmup(false);
  }

  private static Path locateShared() {
    String override = System.getProperty("modernbert.shared");
    Path shared = override != null ? Path.of(override) : REPO.resolve("../shared");
    if (!Files.isDirectory(shared.resolve("fixtures"))) {
      throw new IllegalStateException(
          "reference fixtures not found at "
              + shared.toAbsolutePath().normalize()
              + ": the tests compare against Hugging Face reference outputs that are not in this"
              + " repository. Put the shared reference data beside the clone (../shared, with its"
              + " fixtures/ and modernbert/ folders), or run with -Dmodernbert.shared=DIR;"
              + " for example: ./mvnw -B verify -Dmodernbert.shared=/data/modernbert-shared");
    }
    return shared.toAbsolutePath().normalize();
  }
}
