package io.modernbert.load;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations as people type them: {@code 500ms}, {@code 90s}, {@code 10m}, {@code 1h}, a bare number
 * of seconds, or ISO-8601 ({@code PT1M}).
 */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String text = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (text.startsWith("pt")) {
        return Duration.parse(text.toUpperCase(Locale.ROOT));
      }
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      }
      long unit =
          switch (text.charAt(text.length() - 1)) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            default -> 0;
          };
      if (unit == 0) {
        return Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
      }
      return Duration.ofMillis(
          Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * unit * 1000));
    } catch (RuntimeException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration (e.g. 500ms, 90s, 10m, 1h)");
    }
  }

  /** The short form this converter reads: 500ms, 90s, 10m, 1h. */
  static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 1000 != 0) {
      return millis + "ms";
    }
    long seconds = millis / 1000;
    return seconds % 3600 == 0 && seconds > 0
        ? seconds / 3600 + "h"
        : seconds % 60 == 0 && seconds > 0 ? seconds / 60 + "m" : seconds + "s";
  }
}
