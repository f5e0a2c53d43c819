package dev.uniscope.cli.run;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses durations as people write them: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}. */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.trim();
    int i = 0;
    while (i < v.length() && Character.isDigit(v.charAt(i))) {
      i++;
    }
    if (i == 0 || i > 9) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration: write a number and a unit, e.g. 10s, 500ms, 2m");
    }
    long n = Long.parseLong(v.substring(0, i));
    return switch (v.substring(i)) {
      case "ms" -> Duration.ofMillis(n);
      case "s", "" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default ->
          throw new TypeConversionException(
              "'" + value + "' has an unknown unit '" + v.substring(i) + "': use ms, s, m or h");
    };
  }
}
