package io.modernbert.load;

import java.awt.Color;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.ChartEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's PNG charts, drawn with XChart off screen (AWT headless). */
final class Charts {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 420;

  private Charts() {}

  /** Counts per 1-second bucket as steps: bucket s is drawn from s to s + 1, the last one too. */
  static XYChart throughput(long[] perSecond, String what) {
    XYChart chart =
        xy(
            Character.toUpperCase(what.charAt(0)) + what.substring(1) + " per second",
            "seconds from start",
            what + "/s");
    long[] counts = perSecond.length == 0 ? new long[] {0} : perSecond;
    double[] x = new double[counts.length + 1];
    double[] y = new double[counts.length + 1];
    for (int s = 0; s <= counts.length; s++) {
      x[s] = s;
      y[s] = counts[Math.min(s, counts.length - 1)];
    }
    chart
        .addSeries(what + "/s", x, y)
        .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step)
        .setMarker(SeriesMarkers.NONE);
    return chart;
  }

  static XYChart lag(List<LagSampler.Sample> samples) {
    XYChart chart =
        xy("Consumer lag of the service on the input topic", "seconds from start", "records");
    List<Double> x = new ArrayList<>();
    List<Long> y = new ArrayList<>();
    samples.forEach(
        s -> {
          x.add(s.second());
          y.add(s.lag());
        });
    chart.addSeries("lag", x.isEmpty() ? List.of(0.0) : x, y.isEmpty() ? List.of(0L) : y);
    return chart;
  }

  /**
   * Latency by percentile on HdrHistogram's axis: x = 1/(1 - p), logarithmic, so 90%, 99%, 99.9%
   * and 99.99% are evenly spaced and the tail is as readable as the median. The maximum, at 100%,
   * would be infinitely far right; it is drawn where one sample in all of them lies, 1 - 1/count.
   */
  static XYChart latency(Histogram histogram) {
    XYChart chart = xy("Latency by percentile", "percentile", "milliseconds");
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    double right = Math.max(2, histogram.getTotalCount());
    for (double[] point : percentileCurve(histogram)) {
      x.add(point[0] < 100 ? Math.min(right, 100 / (100 - point[0])) : right);
      y.add(point[1]);
    }
    chart
        .getStyler()
        .setXAxisLogarithmic(true)
        .setXAxisLogarithmicDecadeOnly(true)
        .setXAxisMin(1.0)
        .setXAxisMax(Math.pow(10, Math.ceil(Math.log10(right))));
    chart.getStyler().setXAxisTickLabelsFormattingFunction(Charts::percentileLabel);
    chart
        .addSeries("latency", x.isEmpty() ? List.of(1.0) : x, y.isEmpty() ? List.of(0.0) : y)
        .setMarker(SeriesMarkers.NONE);
    return chart;
  }

  /**
   * Each received document as a point, its length in tokens (logarithmic) against its latency: a
   * tail made of long documents lies on the right, short documents that waited lie high on the
   * left.
   */
  static XYChart latencyByLength(List<DocumentLatency> documents) {
    XYChart chart = xy("Latency by document length", "tokens", "milliseconds");
    List<Integer> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (DocumentLatency document : documents) {
      if (document.received()) {
        x.add(document.tokens());
        y.add(document.latencyMs());
      }
    }
    chart.getStyler().setXAxisLogarithmic(true);
    chart
        .addSeries("documents", x, y)
        .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter)
        .setMarker(SeriesMarkers.CIRCLE);
    return chart;
  }

  /**
   * One line per length class: the p99 latency of each window of answers, drawn at the window's
   * end, so a person sees at a glance which lengths were slow and when (the first seconds after a
   * start, a stall). A window of fewer than 100 documents shows its maximum.
   */
  static XYChart latencyOverTime(
      Map<LengthClass, List<LatencyByLength.Window>> series, int windowSeconds) {
    XYChart chart =
        xy(
            "p99 latency per " + windowSeconds + "-second window, by document length",
            "seconds from start (end of each window of answers)",
            "milliseconds");
    // Beside the plot, not on it: the spike worth seeing is often in a corner (the first seconds).
    chart.getStyler().setLegendVisible(true).setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setMarkerSize(6); // a class with one window is a lone point: keep it visible
    series.forEach(
        (lengthClass, windows) -> {
          List<Double> x = new ArrayList<>();
          List<Double> y = new ArrayList<>();
          for (LatencyByLength.Window window : windows) {
            x.add(window.fromSecond() + windowSeconds);
            y.add(window.latency().p99());
          }
          chart.addSeries(lengthClass.label() + " tokens", x, y).setMarker(SeriesMarkers.CIRCLE);
        });
    if (series.isEmpty()) {
      chart.addSeries("none", List.of(0.0), List.of(0.0));
    }
    return chart;
  }

  /**
   * Points (percentile 0..100, milliseconds) of the histogram, 5 ticks per half distance to 100%.
   */
  static List<double[]> percentileCurve(Histogram histogram) {
    List<double[]> points = new ArrayList<>();
    if (histogram.getTotalCount() == 0) {
      return points;
    }
    for (HistogramIterationValue value : histogram.percentiles(5)) {
      points.add(
          new double[] {
            value.getPercentileLevelIteratedTo(), value.getValueIteratedTo() / 1_000.0
          });
    }
    return points;
  }

  private static String percentileLabel(double x) {
    double percentile = 100 - 100 / x;
    return percentile < 0.0001
        ? "0%"
        : String.format(
            Locale.ROOT,
            "%s%%",
            new BigDecimal(percentile)
                .round(new MathContext(6))
                .stripTrailingZeros()
                .toPlainString());
  }

  static CategoryChart histogram(
      String title, String xTitle, List<Double> values, Function<Double, String> label) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle("batches")
            .build();
    style(chart.getStyler());
    chart.getStyler().setOverlapped(true).setXAxisLabelRotation(45);
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
    double width = niceWidth(max / 12);
    int bins = (int) Math.floor(max / width) + 1;
    long[] counts = new long[bins];
    values.forEach(v -> counts[(int) Math.min(bins - 1, Math.floor(v / width))]++);
    List<String> names = new ArrayList<>();
    List<Long> heights = new ArrayList<>();
    for (int b = 0; b < bins; b++) {
      names.add(label.apply(b * width) + "-" + label.apply((b + 1) * width));
      heights.add(counts[b]);
    }
    chart.addSeries("batches", names, heights);
    return chart;
  }

  /** 1, 2 or 5 times a power of ten, at least {@code raw}: bin widths people read easily. */
  static double niceWidth(double raw) {
    if (!(raw > 0)) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double step : new double[] {1, 2, 5, 10}) {
      if (step * power >= raw) {
        return step * power;
      }
    }
    return 10 * power;
  }

  static void writePng(Chart<?, ?> chart, Path file) throws IOException {
    Files.write(file, ChartEncoder.getBytes(chart, "png"));
  }

  private static XYChart xy(String title, String xTitle, String yTitle) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    style(chart.getStyler());
    chart.getStyler().setMarkerSize(3);
    chart.getStyler().setYAxisMin(0.0); // counts and latencies read against zero
    return chart;
  }

  private static void style(Styler styler) {
    styler.setLegendVisible(false);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotBackgroundColor(Color.WHITE);
  }
}
