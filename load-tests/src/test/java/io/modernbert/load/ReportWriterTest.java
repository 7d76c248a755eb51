package io.modernbert.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
  /**
   * 400 documents back in 8 s (50/s), latencies 1..400 ms, 1 duplicate, 2 missing, engine 100/s.
   */
  private static LoadResult kafkaResult() {
    Histogram latency = new Histogram(3);
    for (int ms = 1; ms <= 400; ms++) {
      latency.recordValue(ms * 1_000L);
    }
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("runId", "test");
    settings.put("target", "127.0.0.1:19092");
    LoadResult.Counts counts =
        new LoadResult.Counts(402, 90_000, 402, 0, 400, 400, 1, 0, 2, 0, 3, 0, Map.of());
    List<LagSampler.Sample> lag =
        List.of(
            new LagSampler.Sample(0.1, 0),
            new LagSampler.Sample(1.1, 350),
            new LagSampler.Sample(2.1, 120),
            new LagSampler.Sample(3.1, 0));
    List<BatchStats.Batch> batches =
        List.of(
            new BatchStats.Batch("a", 10, 3000, 4096, 120),
            new BatchStats.Batch("b", 30, 7000, 8192, 300),
            new BatchStats.Batch("c", 2, 500, -1, 20));
    return new LoadResult(
        settings,
        "kafka",
        counts,
        8.0,
        latency,
        new long[] {0, 60, 80, 70, 50, 50, 40, 50},
        lag,
        batches,
        documents(),
        100.0,
        null);
  }

  /**
   * 4 documents: 100 tokens at 40 and 60 ms (written 10 and 20 ms after the send), 1,000 tokens at
   * 250 ms (written at 200 ms), and one 3,000 tokens without an output.
   */
  private static List<DocumentLatency> documents() {
    return List.of(
        new DocumentLatency("r-0", 100, 0.0, 40.0, 10.0),
        new DocumentLatency("r-1", 100, 0.05, 60.0, 20.0),
        new DocumentLatency("r-2", 1_000, 0.1, 250.0, 200.0),
        new DocumentLatency("r,3", 3_000, 0.15, Double.NaN, Double.NaN));
  }

  @Test
  void shouldWriteSummaryJsonWithTheRunsNumbers(@TempDir Path dir) throws Exception {
    ReportWriter.write(kafkaResult(), dir);

    JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertThat(summary.path("mode").asText()).isEqualTo("kafka");
    assertThat(summary.path("settings").path("target").asText()).isEqualTo("127.0.0.1:19092");
    assertThat(summary.path("counts").path("received").asLong()).isEqualTo(400);
    assertThat(summary.path("counts").path("duplicates").asInt()).isEqualTo(1);
    assertThat(summary.path("counts").path("missing").asInt()).isEqualTo(2);
    assertThat(summary.path("throughput").path("documentsPerSecond").asDouble())
        .isCloseTo(50.0, within(1e-9));
    assertThat(summary.path("latencyMs").path("count").asLong()).isEqualTo(400);
    assertThat(summary.path("latencyMs").path("p50").asDouble()).isCloseTo(200, within(0.5));
    assertThat(summary.path("latencyMs").path("p99").asDouble()).isCloseTo(396, within(0.5));
    assertThat(summary.path("latencyMs").path("max").asDouble()).isCloseTo(400, within(0.5));
    JsonNode curve = summary.path("percentileCurve");
    assertThat(curve.size()).isGreaterThan(20);
    assertThat(curve.get(curve.size() - 1).path("percentile").asDouble()).isEqualTo(100.0);
    for (int i = 1; i < curve.size(); i++) {
      assertThat(curve.get(i).path("ms").asDouble())
          .isGreaterThanOrEqualTo(curve.get(i - 1).path("ms").asDouble());
    }
    assertThat(summary.path("outputsPerSecond")).hasSize(8);
    assertThat(summary.path("outputsPerSecond").get(2).asLong()).isEqualTo(80);
    assertThat(summary.path("lag").get(1).path("lag").asLong()).isEqualTo(350);
    assertThat(summary.path("batches").path("count").asInt()).isEqualTo(3);
    assertThat(summary.path("batches").path("paddingShare").asDouble())
        .as("1 - (3000 + 7000) / (4096 + 8192); the batch without slots is left out")
        .isCloseTo(1 - 10_000.0 / 12_288, within(1e-12));
    assertThat(summary.path("batches").path("list").get(1).path("documents").asInt()).isEqualTo(30);
    assertThat(summary.path("batches").path("list").get(1).path("paddingShare").asDouble())
        .isCloseTo(1 - 7000.0 / 8192, within(1e-12));
    assertThat(summary.path("batches").path("list").get(2).path("slots").isNull())
        .as("no slots header")
        .isTrue();
    assertThat(summary.path("engine").path("documentsPerSecond").asDouble()).isEqualTo(100.0);
    assertThat(summary.path("engine").path("ratio").asDouble()).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void shouldDrawNonEmptyChartsAndAPageThatShowsThem(@TempDir Path dir) throws Exception {
    List<String> charts = ReportWriter.write(kafkaResult(), dir);

    assertThat(charts)
        .containsExactly(
            "throughput.png",
            "latency.png",
            "latency-by-length.png",
            "latency-over-time-by-length.png",
            "lag.png",
            "batch-tokens.png",
            "padding.png");
    String page = Files.readString(dir.resolve("index.html"));
    for (String chart : charts) {
      BufferedImage image = ImageIO.read(dir.resolve(chart).toFile());
      assertThat(image).as(chart).isNotNull();
      assertThat(image.getWidth()).isEqualTo(900);
      assertThat(distinctColours(image)).as("%s has something drawn on it", chart).isGreaterThan(3);
      assertThat(page).contains("<img src=\"" + chart + "\"");
    }
    assertThat(page)
        .contains("summary.json")
        .contains("127.0.0.1:19092")
        .contains("THROUGHPUT")
        .contains("50.00 docs/s")
        .contains("RATIO e2e/engine")
        .contains("0.50");
  }

  @Test
  void shouldPrintTheSummaryLines() {
    List<String> lines = kafkaResult().summaryLines();

    assertThat(lines)
        .contains("DUPLICATES 1", "MISSING 2", "ENGINE 100.00 docs/s", "RATIO e2e/engine 0.50");
    assertThat(lines)
        .anySatisfy(
            l -> assertThat(l).startsWith("THROUGHPUT 50.00 docs/s (400 documents in 8.00 s"));
    assertThat(lines)
        .anySatisfy(
            l ->
                assertThat(l)
                    .matches("LATENCY p50 200\\.\\d p90 360\\.\\d p99 396\\.\\d max 400\\.\\d ms"));
    assertThat(lines)
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith(
                        "BATCHES 3, mean 14.0 documents and 3500 tokens per batch, padding 18.6%"));
    assertThat(lines)
        .contains(
            "SPLIT written by the service p50 20 p99 200 ms after the send;"
                + " visible p50 40 p99 50 ms after that (commit and read)",
            "LENGTH <=128 tokens: 2 documents, latency p50 40.0 p90 60.0 p99 60.0 max 60.0 ms",
            "LENGTH 513-1024 tokens: 1 documents, latency p50 250.0 p90 250.0 p99 250.0 max 250.0 ms",
            "FIRST 60 s, by send time: 3 documents, latency p50 60.0 p90 250.0 p99 250.0 max 250.0"
                + " ms")
        .noneMatch(l -> l.startsWith("LENGTH 129-256") || l.startsWith("LENGTH >1024"));
  }

  @Test
  void shouldSayWhenTheServiceWasReadyAndHowLongTheRunSettled(@TempDir Path dir) throws Exception {
    StartGate.Settled settled =
        new StartGate.Settled(
            "GET http://127.0.0.1:8080/ready answers 200",
            Instant.parse("2026-12-09T10:00:00Z"),
            12.5,
            Duration.ofSeconds(20),
            20.001);
    LoadResult plain = kafkaResult();
    LoadResult result =
        new LoadResult(
            plain.settings(),
            plain.mode(),
            plain.counts(),
            plain.elapsedSeconds(),
            plain.latency(),
            plain.outputsPerSecond(),
            plain.lag(),
            plain.batches(),
            plain.documents(),
            plain.engineDocumentsPerSecond(),
            settled);

    assertThat(plain.summaryLines())
        .contains("READY not waited for (no --settle): the first send followed the setup");
    assertThat(result.summaryLines())
        .contains(
            "READY at 2026-12-09T10:00:00Z after 12.5 s of waiting"
                + " (GET http://127.0.0.1:8080/ready answers 200); settle 20s;"
                + " first send 20.00 s after ready");
    ReportWriter.write(result, dir);
    JsonNode ready =
        new ObjectMapper().readTree(dir.resolve("summary.json").toFile()).path("ready");
    assertThat(ready.path("waited").asBoolean()).isTrue();
    assertThat(ready.path("readyAt").asText()).isEqualTo("2026-12-09T10:00:00Z");
    assertThat(ready.path("settleSeconds").asDouble()).isEqualTo(20.0);
    assertThat(Files.readString(dir.resolve("index.html"))).contains("settle 20s");
  }

  @Test
  void shouldWriteEachDocumentsLengthAndLatency(@TempDir Path dir) throws Exception {
    ReportWriter.write(kafkaResult(), dir);

    assertThat(Files.readAllLines(dir.resolve("documents.csv")))
        .containsExactly(
            "id,tokens,sent_second,latency_ms,processed_ms",
            "r-0,100,0.000,40.000,10.000",
            "r-1,100,0.050,60.000,20.000",
            "r-2,1000,0.100,250.000,200.000",
            "\"r,3\",3000,0.150,,");
  }

  @Test
  void shouldWriteLatencyByLengthClassIntoTheSummaryAndThePage(@TempDir Path dir) throws Exception {
    ReportWriter.write(kafkaResult(), dir);

    JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    JsonNode classes = summary.path("latencyByLength");
    assertThat(classes).hasSize(5);
    assertThat(classes.get(0).path("class").asText()).isEqualTo("<=128");
    assertThat(classes.get(0).path("count").asInt()).isEqualTo(2);
    assertThat(classes.get(0).path("p90Ms").asDouble()).isEqualTo(60.0);
    assertThat(classes.get(1).path("count").asInt()).as("no document of 129-256").isZero();
    assertThat(classes.get(1).path("p99Ms").isNull()).isTrue();
    assertThat(classes.get(3).path("fromTokens").asInt()).isEqualTo(513);
    assertThat(classes.get(3).path("p99Ms").asDouble()).isEqualTo(250.0);
    assertThat(classes.get(4).path("class").asText()).isEqualTo(">1024");
    assertThat(classes.get(4).path("toTokens").isNull()).isTrue();
    assertThat(classes.get(4).path("count").asInt()).as("the 3,000 never came back").isZero();
    assertThat(summary.path("latencyFirstSeconds").path("count").asInt()).isEqualTo(3);
    JsonNode series = summary.path("latencyOverTime").path("classes");
    assertThat(series).hasSize(2);
    assertThat(series.get(1).path("class").asText()).isEqualTo("513-1024");
    assertThat(series.get(1).path("windows").get(0).path("fromSecond").asDouble()).isZero();
    assertThat(series.get(1).path("windows").get(0).path("p99Ms").asDouble()).isEqualTo(250.0);
    String page = Files.readString(dir.resolve("index.html"));
    assertThat(page)
        .contains("<h2>Latency by length</h2>")
        .contains("<tr><th>&lt;=128</th><td>2</td><td>40.0</td><td>60.0</td>")
        .doesNotContain("<tr><th>129-256</th>");
  }

  @Test
  void shouldLeaveOutKafkaOnlyChartsInHttpMode(@TempDir Path dir) throws Exception {
    Histogram latency = new Histogram(3);
    latency.recordValue(12_000);
    LoadResult.Counts counts =
        new LoadResult.Counts(2, 20, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, Map.of("503", 1L));
    LoadResult result =
        new LoadResult(
            new LinkedHashMap<>(),
            "http",
            counts,
            0.5,
            latency,
            new long[] {1},
            List.of(),
            List.of(),
            List.of(),
            null,
            null);

    List<String> charts = ReportWriter.write(result, dir);

    assertThat(charts).containsExactly("throughput.png", "latency.png");
    assertThat(dir.resolve("documents.csv")).doesNotExist();
    assertThat(result.summaryLines())
        .anySatisfy(l -> assertThat(l).startsWith("REQUESTS sent 2, ok 1, errors 1 {503=1}"));
    assertThat(result.summaryLines())
        .noneMatch(l -> l.startsWith("RATIO") || l.startsWith("MISSING"));
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertThat(summary.path("engine").path("ratio").isNull()).isTrue();
    assertThat(summary.path("responsesPerSecond").get(0).asLong()).isEqualTo(1);
  }

  private static int distinctColours(BufferedImage image) {
    java.util.Set<Integer> colours = new java.util.HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        colours.add(image.getRGB(x, y));
      }
    }
    return colours.size();
  }
}
