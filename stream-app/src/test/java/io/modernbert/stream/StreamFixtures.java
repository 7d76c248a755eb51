package io.modernbert.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modernbert.model.engine.EngineOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test data for the stream app: the default model and real sentences from its test set. */
public final class StreamFixtures {
  private StreamFixtures() {}

  public static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  public static final Path LANGID_MODEL = REPO.resolve("models/langid-modernbert");

  /** The read-only reference data beside the repository, or {@code -Dmodernbert.shared=DIR}. */
  public static final Path SHARED = locateShared();

  public static final Path LANGID_TEST = SHARED.resolve("fixtures/langid-test.jsonl");

  private static Path locateShared() {
    String override = System.getProperty("modernbert.shared");
    Path shared =
        (override != null ? Path.of(override) : REPO.resolve("../shared"))
            .toAbsolutePath()
            .normalize();
    if (!Files.isDirectory(shared.resolve("fixtures"))) {
      throw new IllegalStateException(
          "reference fixtures not found at "
              + shared
              + ": put the shared reference data beside the clone (../shared, with its fixtures/"
              + " folder), or run with -Dmodernbert.shared=DIR");
    }
    return shared;
  }

  /** 2 threads (the machine has 2 cores), no warm-up of every shape. */
  public static EngineOptions engineOptions() {
    return EngineOptions.defaults().withThreads(2).withWarmup(false);
  }

  /** The held-out strings of the langid test set, in file order. */
  public static List<String> sentences() {
    try {
      ObjectMapper json = new ObjectMapper();
      List<String> texts = new ArrayList<>();
      for (String line : Files.readAllLines(LANGID_TEST)) {
        JsonNode node = json.readTree(line);
        texts.add(node.get("text").asText());
      }
      return texts;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + LANGID_TEST, e);
    }
  }

  /**
   * Sentences joined until the text is about {@code words} words long, starting at {@code from}.
   */
  public static String textOfAbout(int words, int from) {
    List<String> sentences = sentences();
    StringBuilder text = new StringBuilder();
    for (int i = from; text.toString().split("\\s+").length < words; i++) {
      text.append(sentences.get(i % sentences.size())).append(' ');
    }
    return text.toString().trim();
  }
}
