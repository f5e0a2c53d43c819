package dev.uniscope.tests.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.cli.UniscopeCommand;
import dev.uniscope.tests.harness.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The user path of the capture issue, in-process: {@code run ... --out}, then {@code report}. */
final class CaptureCli {
  private CaptureCli() {}

  /** {@code uniscope run --kernel ELF ARGS... --out CAPTURE}; returns the exit code. */
  static int run(Path capture, String... args) {
    List<String> a = new ArrayList<>(List.of("run", "--kernel", Kernel.elf().toString()));
    a.addAll(List.of(args));
    a.addAll(List.of("--timeout", "8m", "--out", capture.toString()));
    return UniscopeCommand.execute(a.toArray(String[]::new));
  }

  /** As {@link #run(Path, String...)} over virtio-vsock ({@code --transport vsock}). */
  static int runOverVsock(Path capture, String... args) {
    List<String> a = new ArrayList<>(List.of("--transport", "vsock"));
    a.addAll(List.of(args));
    return run(capture, a.toArray(String[]::new));
  }

  /** {@code uniscope report CAPTURE --json FILE [more]}; returns the exit code. */
  static int report(Path capture, Path json, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "report",
                capture.toString(),
                "--kernel",
                Kernel.elf().toString(),
                "--json",
                json.toString()));
    a.addAll(List.of(more));
    return UniscopeCommand.execute(a.toArray(String[]::new));
  }

  static JsonNode json(Path file) throws Exception {
    return JsonMapper.builder().build().readTree(Files.readAllBytes(file));
  }

  /** Every match of {@code p} in the run record's console tail. */
  static List<Matcher> consoleMatches(Path capture, Pattern p) throws Exception {
    JsonNode rec = json(capture.resolveSibling(capture.getFileName() + ".run.json"));
    List<Matcher> out = new ArrayList<>();
    rec.path("console")
        .forEach(
            l -> {
              Matcher m = p.matcher(l.asString(""));
              if (m.find()) {
                out.add(m);
              }
            });
    assertThat(rec.path("version").asInt()).isEqualTo(1);
    return out;
  }
}
