package dev.uniscope.tests.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real pprof ({@code go tool pprof} from Debian's golang-go, installed by {@code ./uniscope
 * test}) reading one of our pprof exports: the interoperability check docs/exports.md promises.
 */
final class PprofTool {
  private PprofTool() {}

  /** One row of {@code pprof -top} in sample counts. */
  record Row(long flat, long cum) {}

  /** What pprof printed: the header lines (File, Type, Time, ...) and the rows by function. */
  record Top(List<String> header, Map<String, Row> rows) {
    /** The profile's wall-clock time from the {@code Time:} line (pprof prints it in TZ=UTC). */
    Optional<Instant> time() {
      DateTimeFormatter f = DateTimeFormatter.ofPattern("MMM d, yyyy 'at' h:mma", Locale.US);
      for (String l : header) {
        Matcher m = TIME.matcher(l);
        if (m.matches()) {
          return Optional.of(
              LocalDateTime.parse(m.group(1).replace("am", "AM").replace("pm", "PM"), f)
                  .toInstant(ZoneOffset.UTC));
        }
      }
      return Optional.empty();
    }

    /** Cumulative samples of the functions whose name without a {@code .suffix} is {@code base}. */
    long cum(String base) {
      return rows.entrySet().stream()
          .filter(e -> GroundTruth.base(e.getKey()).equals(base))
          .mapToLong(e -> e.getValue().cum())
          .sum();
    }
  }

  private static final Pattern TIME = Pattern.compile("^Time: (.+) \\(UTC\\)$");
  private static final Pattern ROW =
      Pattern.compile("^\\s*(\\d+)\\s+[\\d.]+%\\s+[\\d.]+%\\s+(\\d+)\\s+[\\d.]+%\\s+(\\S.*)$");

  /** {@code go tool pprof -top} over every node, counted in samples. */
  static Top top(Path profile) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
                "go",
                "tool",
                "pprof",
                "-symbolize=none",
                "-sample_index=samples",
                "-nodefraction=0",
                "-nodecount=1000000",
                "-top",
                profile.toString())
            .redirectErrorStream(true);
    pb.environment().put("TZ", "UTC");
    pb.environment().put("GOTOOLCHAIN", "local"); // never fetch a toolchain
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run 'go tool pprof' (install golang-go; ./uniscope test does): " + e, e);
    }
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes(); // ends when pprof exits
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("go tool pprof did not finish");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("go tool pprof exit status; output:%n%s", text).isZero();
    List<String> header = new ArrayList<>();
    Map<String, Row> rows = new HashMap<>();
    boolean table = false;
    for (String l : text.split("\n")) {
      if (!table) {
        table = l.trim().startsWith("flat");
        if (!table) {
          header.add(l);
        }
        continue;
      }
      Matcher m = ROW.matcher(l);
      assertThat(m.matches()).as("pprof -top row: %s", l).isTrue();
      rows.put(m.group(3), new Row(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
    }
    assertThat(table).as("pprof printed a table:%n%s", text).isTrue();
    return new Top(header, rows);
  }
}
