package io.modernbert.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * This process's resident memory and its peak, and the machine's available memory, from Linux's
 * {@code /proc}: each workload reports the peak of its engines loaded together.
 */
final class ProcessMemory {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path MEMINFO = Path.of("/proc/meminfo");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private ProcessMemory() {}

  /** Starts a new peak ("5" resets VmHWM to the current resident size); false where it cannot. */
  static boolean resetPeak() {
    try {
      Files.writeString(CLEAR_REFS, "5");
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  /** "resident 3.1 GB, peak 4.2 GB; machine 23.4 GB, 18.0 GB available", or why not. */
  static String describe() {
    try {
      return describe(Files.readString(STATUS), Files.readString(MEMINFO));
    } catch (IOException e) {
      return "memory unknown (" + e.getMessage() + ")";
    }
  }

  static String describe(String status, String meminfo) {
    return String.format(
        Locale.ROOT,
        "resident %.1f GB, peak %.1f GB; machine %.1f GB, %.1f GB available",
        gigabytes(status, "VmRSS"),
        gigabytes(status, "VmHWM"),
        gigabytes(meminfo, "MemTotal"),
        gigabytes(meminfo, "MemAvailable"));
  }

  /** A "Key: 123456 kB" field in GB (10^9 bytes), NaN when absent. */
  private static double gigabytes(String text, String key) {
    Matcher m = Pattern.compile("(?m)^" + key + ":\\s+(\\d+) kB$").matcher(text);
    return m.find() ? Long.parseLong(m.group(1)) * 1024 / 1e9 : Double.NaN;
  }
}
