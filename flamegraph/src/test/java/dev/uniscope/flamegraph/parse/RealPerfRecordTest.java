package dev.uniscope.flamegraph.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.render.FlameGraphRenderer;
import dev.uniscope.flamegraph.render.RenderOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.InputSource;

/**
 * Records a real profile with {@code perf record -g} on this machine and checks the collapsed
 * output against the folded-format rules. Skipped, with the reason, where perf cannot record.
 */
class RealPerfRecordTest {
  private static final Path PERF = Path.of("/usr/bin/perf");

  @TempDir Path dir;

  @Test
  void collapsesRealPerfScriptOutputByTheRules() throws Exception {
    assumeTrue(Files.isExecutable(PERF), "perf is not installed at " + PERF + ": test skipped");
    Path data = dir.resolve("perf.data");
    Result rec =
        run(
            List.of(
                PERF.toString(),
                "record",
                "-g",
                "-F",
                "999",
                "-o",
                data.toString(),
                "--",
                "sh",
                "-c",
                "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done"));
    assumeTrue(
        rec.code == 0 && Files.size(data) > 0,
        "perf record -g does not work here (exit " + rec.code + "): " + rec.err.strip());
    Result script = run(List.of(PERF.toString(), "script", "-i", data.toString()));
    assumeTrue(
        script.code == 0 && !script.out.isEmpty(),
        "perf script produced nothing (exit " + script.code + "): " + script.err.strip());

    // Independent expectation from the record lines: the first event's periods, and the comms.
    String firstEvent = null;
    long expectedTotal = 0;
    Set<String> comms = new HashSet<>();
    for (String line : script.out.split("\n", -1)) {
      if (line.isEmpty() || line.startsWith("#") || Character.isWhitespace(line.charAt(0))) {
        continue;
      }
      String[] tok = line.trim().split("\\s+");
      String event = tok[tok.length - 1];
      assertThat(event).endsWith(":");
      if (firstEvent == null) {
        firstEvent = event;
      }
      if (event.equals(firstEvent)) {
        String p = tok[tok.length - 2];
        expectedTotal += p.matches("[0-9]+") && !p.equals("0") ? Long.parseLong(p) : 1;
        // comm is everything before the first whitespace + digits (pid) token.
        comms.add(line.replaceFirst("^(\\S.*?)\\s+\\d+(/\\d+)?\\s.*$", "$1").replace(' ', '_'));
      }
    }
    List<InputProblem> problems = new ArrayList<>();
    StackTree t =
        PerfScriptCollapser.collapse(
            new ByteArrayInputStream(script.out.getBytes(StandardCharsets.UTF_8)),
            CollapseOptions.defaults(),
            problems::add);
    assertThat(problems).noneMatch(p -> p.message().startsWith("Unrecognized"));
    assertThat(t.totalSamples()).isEqualTo(expectedTotal);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FoldedWriter.write(t, out);
    String folded = out.toString(StandardCharsets.UTF_8);
    String previous = null;
    long sum = 0;
    boolean sawShell = false;
    for (String line : folded.split("\n")) {
      // Folded rules: "root;...;leaf COUNT", no offsets, no argument lists, unique and sorted.
      assertThat(line).matches("[^; ][^;]*(;[^;]*)* [0-9]+");
      String stack = line.substring(0, line.lastIndexOf(' '));
      assertThat(stack).doesNotContainPattern("\\+0x[0-9a-f]+(;|$)");
      assertThat(comms).contains(stack.split(";", -1)[0]);
      if (previous != null) {
        assertThat(compareBytes(previous, stack)).isLessThan(0);
      }
      previous = stack;
      sum += Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
      sawShell |= stack.startsWith("sh;") || stack.equals("sh");
    }
    assertThat(sum).isEqualTo(expectedTotal);
    assertThat(sawShell).as("the profiled shell loop shows up").isTrue();

    String svg = FlameGraphRenderer.svg(t, RenderOptions.defaults());
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
  }

  private static int compareBytes(String a, String b) {
    return java.util.Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private record Result(int code, String out, String err) {}

  private Result run(List<String> cmd) throws IOException, InterruptedException {
    Path outFile = dir.resolve("out-" + System.nanoTime());
    Path errFile = dir.resolve("err-" + System.nanoTime());
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(outFile.toFile())
            .redirectError(errFile.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(-1, "", "timed out");
    }
    return new Result(
        p.exitValue(),
        Files.readString(outFile, StandardCharsets.UTF_8),
        Files.readString(errFile, StandardCharsets.UTF_8));
  }
}
