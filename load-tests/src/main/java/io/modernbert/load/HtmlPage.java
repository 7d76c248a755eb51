package io.modernbert.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * index.html of a report: the summary lines as a table, latency by length class, the settings and
 * the charts.
 */
final class HtmlPage {
  private HtmlPage() {}

  static String render(LoadResult result, List<String> charts) {
    StringBuilder page = new StringBuilder();
    page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<title>modernbert load report</title>\n<style>")
        .append("body{font-family:sans-serif;margin:2em;max-width:960px}")
        .append("table{border-collapse:collapse;margin-bottom:1.5em}")
        .append("td,th{border:1px solid #ccc;padding:4px 10px;text-align:left;vertical-align:top}")
        .append("th{background:#f4f4f4}img{display:block;margin:1em 0;max-width:100%}")
        .append("</style></head><body>\n<h1>modernbert load report</h1>\n");
    page.append("<h2>Summary</h2>\n<table>\n");
    for (String line : result.summaryLines()) {
      int space = line.indexOf(' ');
      String name = space < 0 ? line : line.substring(0, space);
      String value = space < 0 ? "" : line.substring(space + 1);
      if (name.equals("RATIO")) { // "RATIO e2e/engine 0.31": keep the label with the name
        int last = value.lastIndexOf(' ');
        name += " " + value.substring(0, last);
        value = value.substring(last + 1);
      }
      row(page, name, value);
    }
    page.append("</table>\n");
    lengthTable(page, result);
    page.append("<h2>Settings</h2>\n<table>\n");
    for (Map.Entry<String, Object> setting : result.settings().entrySet()) {
      row(page, setting.getKey(), String.valueOf(setting.getValue()));
    }
    page.append("</table>\n<h2>Charts</h2>\n");
    for (String chart : charts) {
      page.append("<img src=\"")
          .append(escape(chart))
          .append("\" alt=\"")
          .append(escape(chart))
          .append("\">\n");
    }
    page.append("<p>All raw numbers: <a href=\"")
        .append(ReportWriter.SUMMARY)
        .append("\">")
        .append(ReportWriter.SUMMARY)
        .append("</a>.</p>\n</body></html>\n");
    return page.toString();
  }

  /** Latency by length class, one row per class with received documents. */
  private static void lengthTable(StringBuilder page, LoadResult result) {
    Map<LengthClass, Percentiles> classes = LatencyByLength.overall(result.documents());
    if (classes.values().stream().allMatch(latency -> latency.count() == 0)) {
      return;
    }
    page.append("<h2>Latency by length</h2>\n<table>\n")
        .append("<tr><th>tokens</th><th>documents</th><th>p50 ms</th><th>p90 ms</th>")
        .append("<th>p99 ms</th><th>max ms</th></tr>\n");
    classes.forEach(
        (lengthClass, latency) -> {
          if (latency.count() > 0) {
            page.append("<tr><th>").append(escape(lengthClass.label())).append("</th>");
            page.append("<td>").append(latency.count()).append("</td>");
            for (double ms :
                new double[] {latency.p50(), latency.p90(), latency.p99(), latency.max()}) {
              page.append(String.format(Locale.ROOT, "<td>%.1f</td>", ms));
            }
            page.append("</tr>\n");
          }
        });
    page.append("</table>\n");
  }

  private static void row(StringBuilder page, String name, String value) {
    page.append("<tr><th>")
        .append(escape(name))
        .append("</th><td>")
        .append(escape(value))
        .append("</td></tr>\n");
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
