package io.modernbert.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names the Grafana dashboard's PromQL queries read. */
final class DashboardQueries {
  /** Our metrics and Kafka's, as Micrometer names them in the Prometheus format. */
  private static final Pattern METRIC = Pattern.compile("\\b(?:modernbert|kafka)_[a-z0-9_]+\\b");

  private DashboardQueries() {}

  static Set<String> metricNames(JsonNode dashboard) {
    Set<String> names = new TreeSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        Matcher matcher = METRIC.matcher(target.path("expr").asText());
        while (matcher.find()) {
          names.add(matcher.group());
        }
      }
    }
    return names;
  }

  /** Metric names in a Prometheus text exposition ({@code /metrics}). */
  static Set<String> exposed(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }
}
