package dev.uniscope.cli.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.cli.UniscopeCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {
  @TempDir Path dir;

  @Test
  void everyFormatWritesAFile() throws Exception {
    Path c = dev.uniscope.cli.report.CaptureFixtureAccess.write(dir.resolve("c.uscope"), 20);
    for (String f : List.of("chrome", "ftrace", "folded", "speedscope", "pprof")) {
      Path out = dir.resolve("out." + f);
      assertThat(
              UniscopeCommand.execute(
                  "export", c.toString(), "--format", f, "--out", out.toString()))
          .as(f)
          .isZero();
      assertThat(Files.size(out)).as(f).isPositive();
    }
    List<String> folded = Files.readAllLines(dir.resolve("out.folded"));
    assertThat(
            folded.stream()
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1)))
                .sum())
        .isEqualTo(20);
  }

  @Test
  void unknownFormatIsAUsageError() throws Exception {
    Path c = dev.uniscope.cli.report.CaptureFixtureAccess.write(dir.resolve("c.uscope"), 1);
    assertThat(UniscopeCommand.execute("export", c.toString(), "--format", "svg")).isEqualTo(2);
  }
}
