package io.modernbert.model.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM by {@link NativeMemoryIntegrationTest}: encodes a JSONL file several times
 * with one engine and prints the process's resident memory after each pass as {@code RSS_KB <pass>
 * <kB>}.
 */
public final class NativeMemoryProbe {
  private NativeMemoryProbe() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Path model = Path.of(args[0]);
    Path input = Path.of(args[1]);
    int passes = Integer.parseInt(args[2]);
    ObjectMapper json = new ObjectMapper();
    List<DocumentInput> documents = new ArrayList<>();
    for (String line : Files.readAllLines(input)) {
      JsonNode node = json.readTree(line);
      documents.add(DocumentInput.text(node.get("id").asText(), node.get("text").asText()));
    }
    try (InferenceEngine engine =
        InferenceEngine.load(model, EngineOptions.defaults().withThreads(2).withWarmup(false))) {
      for (int pass = 1; pass <= passes; pass++) {
        for (DocumentInput document : documents) {
          engine.encode(List.of(document), false);
        }
        System.gc();
        Thread.sleep(200);
        System.out.println("RSS_KB " + pass + " " + residentKilobytes());
      }
    }
  }

  static long residentKilobytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
