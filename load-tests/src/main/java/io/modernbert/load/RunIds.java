package io.modernbert.load;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Document ids of one run: {@code load-<run id>-<n>}. The run id is new for every run, so repeated
 * runs against the same topics never collide, and an output whose key does not carry this run's
 * prefix (an earlier run, other traffic) is recognized as foreign and left out of the numbers.
 */
final class RunIds {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final String runId;
  private final String prefix;

  RunIds(String runId) {
    if (runId.isEmpty() || runId.contains("-")) {
      // Without dashes an id reads unambiguously as load-<run id>-<n>.
      throw new IllegalArgumentException("run id must be non-empty and without '-': " + runId);
    }
    this.runId = runId;
    this.prefix = "load-" + runId + "-";
  }

  /**
   * A fresh run id: UTC time to the second plus 4 random base-36 characters (two runs in one second
   * differ).
   */
  static RunIds fresh() {
    SecureRandom random = new SecureRandom();
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      suffix.append(Character.forDigit(random.nextInt(36), 36));
    }
    return new RunIds(STAMP.format(Instant.now()).toLowerCase(Locale.ROOT) + suffix);
  }

  String runId() {
    return runId;
  }

  String id(int index) {
    return prefix + index;
  }

  /**
   * The id of the run's readiness probe ({@code --settle} in Kafka mode): of this run, so that it
   * cannot be another's output, but outside the numbered ids, so that it is never counted.
   */
  String probeId() {
    return prefix + "ready";
  }

  /** The index of one of this run's ids, or -1 for any other key (including null). */
  int index(String id) {
    if (id == null
        || !id.startsWith(prefix)
        || id.length() == prefix.length()
        || id.length() > prefix.length() + 9) {
      return -1;
    }
    int value = 0;
    for (int i = prefix.length(); i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
