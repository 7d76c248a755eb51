package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.modernbert.model.testing.Fixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Native memory stays flat: the 6,000 langid strings encoded twice in one process grow its resident
 * memory by at most 5% after the first pass. Measured in a child JVM whose heap is fixed and
 * pre-touched, so that any growth is native (TensorFlow tensors, tokenizer), not heap expansion.
 */
class NativeMemoryIntegrationTest {
  @Test
  void shouldNotGrowResidentMemoryOnTheSecondPass() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-Xms512m",
                "-Xmx512m",
                "-XX:+AlwaysPreTouch",
                "-cp",
                System.getProperty("java.class.path"),
                NativeMemoryProbe.class.getName(),
                Fixtures.LANGID_MODEL.toString(),
                Fixtures.LANGID_TEST.toString(),
                "2")
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process process = builder.start();
    List<Long> rss = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("RSS_KB ")) {
          rss.add(Long.parseLong(line.split(" ")[2]));
        }
      }
    }
    assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(rss).hasSize(2);

    double growth = (rss.get(1) - rss.get(0)) / (double) rss.get(0);
    System.out.printf(
        "resident memory after pass 1: %d kB, after pass 2: %d kB, growth %.2f%%%n",
        rss.get(0), rss.get(1), 100 * growth);
    assertThat(growth).isLessThanOrEqualTo(0.05);
  }
}
