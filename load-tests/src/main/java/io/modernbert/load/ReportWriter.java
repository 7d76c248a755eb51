package io.modernbert.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * The report folder: summary.json with every raw number, one PNG per chart, and index.html that
 * shows the settings, the summary and the charts. The folder can be copied anywhere: the page links
 * only to files beside it.
 */
final class ReportWriter {
  static final String SUMMARY = "summary.json";
  static final String INDEX = "index.html";
  static final String DOCUMENTS = "documents.csv";

  private ReportWriter() {}

  /** Writes the report and returns the chart files written, in page order. */
  static List<String> write(LoadResult result, Path dir) throws IOException {
    System.setProperty(
        "java.awt.headless", "true"); // charts are drawn off screen, also with a display
    Files.createDirectories(dir);
    Map<String, Chart<?, ?>> charts = charts(result);
    List<String> files = new ArrayList<>();
    for (Map.Entry<String, Chart<?, ?>> chart : charts.entrySet()) {
      Charts.writePng(chart.getValue(), dir.resolve(chart.getKey()));
      files.add(chart.getKey());
    }
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    json.writeValue(dir.resolve(SUMMARY).toFile(), summary(result, json));
    if (!result.documents().isEmpty()) {
      Files.write(dir.resolve(DOCUMENTS), documentsCsv(result.documents()), StandardCharsets.UTF_8);
    }
    Files.writeString(dir.resolve(INDEX), HtmlPage.render(result, files), StandardCharsets.UTF_8);
    return files;
  }

  private static Map<String, Chart<?, ?>> charts(LoadResult result) {
    Map<String, Chart<?, ?>> charts = new LinkedHashMap<>();
    charts.put(
        "throughput.png",
        Charts.throughput(result.outputsPerSecond(), result.isKafka() ? "outputs" : "responses"));
    charts.put("latency.png", Charts.latency(result.latency()));
    if (result.documents().stream().anyMatch(DocumentLatency::received)) {
      charts.put("latency-by-length.png", Charts.latencyByLength(result.documents()));
      charts.put(
          "latency-over-time-by-length.png",
          Charts.latencyOverTime(
              LatencyByLength.overTime(result.documents(), LatencyByLength.WINDOW_SECONDS),
              LatencyByLength.WINDOW_SECONDS));
    }
    if (!result.lag().isEmpty()) {
      charts.put("lag.png", Charts.lag(result.lag()));
    }
    if (!result.batches().isEmpty()) {
      List<Double> tokens = result.batches().stream().map(b -> (double) b.tokens()).toList();
      charts.put(
          "batch-tokens.png",
          Charts.histogram(
              "Tokens per model batch",
              "tokens",
              tokens,
              v -> String.format(Locale.ROOT, "%.0f", v)));
      List<Double> padding =
          result.batches().stream()
              .filter(b -> b.slots() > 0)
              .map(b -> 100 * b.paddingShare())
              .toList();
      if (!padding.isEmpty()) {
        charts.put(
            "padding.png",
            Charts.histogram(
                "Padding share per model batch (1 - tokens/slots)",
                "padding %",
                padding,
                v -> String.format(Locale.ROOT, "%.0f", v)));
      }
    }
    return charts;
  }

  /**
   * Latency in ms by length class (all five; count 0 and null percentiles for an empty one), of the
   * documents sent in the first 60 s, and per class per 5-second window of answer time.
   */
  private static void latencyByLength(ObjectNode root, List<DocumentLatency> documents) {
    ArrayNode classes = root.putArray("latencyByLength");
    LatencyByLength.overall(documents)
        .forEach(
            (lengthClass, latency) -> put(lengthClass(classes.addObject(), lengthClass), latency));
    ObjectNode first =
        root.putObject("latencyFirstSeconds").put("seconds", LoadResult.FIRST_SECONDS);
    put(first, LatencyByLength.sentWithin(documents, LoadResult.FIRST_SECONDS));
    ObjectNode overTime =
        root.putObject("latencyOverTime")
            .put("windowSeconds", LatencyByLength.WINDOW_SECONDS)
            .put("windowsBy", "answer time: send second + latency");
    ArrayNode series = overTime.putArray("classes");
    LatencyByLength.overTime(documents, LatencyByLength.WINDOW_SECONDS)
        .forEach(
            (lengthClass, windows) -> {
              ArrayNode list = lengthClass(series.addObject(), lengthClass).putArray("windows");
              windows.forEach(
                  window ->
                      put(
                          list.addObject().put("fromSecond", window.fromSecond()),
                          window.latency()));
            });
  }

  private static ObjectNode lengthClass(ObjectNode node, LengthClass lengthClass) {
    node.put("class", lengthClass.label()).put("fromTokens", lengthClass.fromTokens());
    if (lengthClass.toTokens() == Integer.MAX_VALUE) {
      node.putNull("toTokens");
    } else {
      node.put("toTokens", lengthClass.toTokens());
    }
    return node;
  }

  private static void put(ObjectNode node, Percentiles latency) {
    node.put("count", latency.count());
    String[] names = {"p50Ms", "p90Ms", "p99Ms", "maxMs"};
    double[] values = {latency.p50(), latency.p90(), latency.p99(), latency.max()};
    for (int i = 0; i < names.length; i++) {
      if (Double.isNaN(values[i])) {
        node.putNull(names[i]);
      } else {
        node.put(names[i], values[i]);
      }
    }
  }

  /**
   * One line per sent document: id, tokens, send second, latency and time to processedAt in ms
   * (empty: no output, or no processedAt).
   */
  static List<String> documentsCsv(List<DocumentLatency> documents) {
    List<String> lines = new ArrayList<>(documents.size() + 1);
    lines.add("id,tokens,sent_second,latency_ms,processed_ms");
    for (DocumentLatency d : documents) {
      lines.add(
          String.format(
              Locale.ROOT,
              "%s,%d,%.3f,%s,%s",
              csvField(d.id()),
              d.tokens(),
              d.sentSecond(),
              milliseconds(d.latencyMs()),
              milliseconds(d.processedMs())));
    }
    return lines;
  }

  private static String milliseconds(double ms) {
    return Double.isNaN(ms) ? "" : String.format(Locale.ROOT, "%.3f", ms);
  }

  /** RFC 4180: quote a field with a comma, quote or line break, doubling its quotes. */
  private static String csvField(String value) {
    return value.matches("[^,\"\r\n]*") ? value : '"' + value.replace("\"", "\"\"") + '"';
  }

  /**
   * The JSON document: settings, counts, percentiles, the whole curve, the series and the batches.
   */
  static ObjectNode summary(LoadResult result, ObjectMapper json) {
    ObjectNode root = json.createObjectNode();
    root.put("mode", result.mode());
    root.set("settings", json.valueToTree(result.settings()));
    root.set("counts", json.valueToTree(result.counts()));
    ObjectNode ready = root.putObject("ready");
    StartGate.Settled settled = result.settled();
    if (settled == null) {
      ready.put("waited", false);
    } else {
      ready
          .put("waited", true)
          .put("readiness", settled.readiness())
          .put("readyAt", settled.readyAt().toString())
          .put("waitedSeconds", settled.waitedSeconds())
          .put("settleSeconds", settled.settle().toMillis() / 1e3)
          .put("firstSendAfterReadySeconds", settled.firstSendAfterReadySeconds());
    }
    ObjectNode throughput = root.putObject("throughput");
    throughput.put("documentsPerSecond", result.documentsPerSecond());
    throughput.put("elapsedSeconds", result.elapsedSeconds());
    ObjectNode latency = root.putObject("latencyMs");
    latency.put("count", result.latency().getTotalCount());
    latency.put(
        "mean", result.latency().getTotalCount() == 0 ? 0 : result.latency().getMean() / 1_000.0);
    latency.put("p50", result.percentileMs(50));
    latency.put("p90", result.percentileMs(90));
    latency.put("p99", result.percentileMs(99));
    latency.put("p999", result.percentileMs(99.9));
    latency.put("max", result.maxMs());
    latencyByLength(root, result.documents());
    ArrayNode curve = root.putArray("percentileCurve");
    for (double[] point : Charts.percentileCurve(result.latency())) {
      curve.addObject().put("percentile", point[0]).put("ms", point[1]);
    }
    ArrayNode perSecond =
        root.putArray(result.isKafka() ? "outputsPerSecond" : "responsesPerSecond");
    for (long count : result.outputsPerSecond()) {
      perSecond.add(count);
    }
    root.set("lag", json.valueToTree(result.lag()));
    ObjectNode batches = root.putObject("batches");
    batches.put("count", result.batches().size());
    double padding = BatchStats.paddingShare(result.batches());
    if (Double.isNaN(padding)) {
      batches.putNull("paddingShare");
    } else {
      batches.put("paddingShare", padding);
    }
    ArrayNode list = batches.putArray("list");
    for (BatchStats.Batch batch :
        result.batches()) { // absent headers as null, not as the -1 kept in memory
      ObjectNode node =
          list.addObject()
              .put("id", batch.id())
              .put("documents", batch.documents())
              .put("tokens", batch.tokens());
      if (batch.slots() > 0) {
        node.put("slots", batch.slots()).put("paddingShare", batch.paddingShare());
      } else {
        node.putNull("slots").putNull("paddingShare");
      }
      if (batch.inferenceMs() >= 0) {
        node.put("inferenceMs", batch.inferenceMs());
      } else {
        node.putNull("inferenceMs");
      }
    }
    ObjectNode engine = root.putObject("engine");
    if (result.engineDocumentsPerSecond() == null) {
      engine.putNull("documentsPerSecond");
      engine.putNull("ratio");
    } else {
      engine.put("documentsPerSecond", result.engineDocumentsPerSecond());
      engine.put("ratio", result.ratio());
    }
    return root;
  }
}
