package dev.uniscope.cli.flame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.cli.UniscopeCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.InputSource;

class FlameCommandsTest {
  static final String PERF =
      "# cmdline : /usr/bin/perf record -g ./app\n"
          + "app  1200 [000]  1000.000100:     250000 cpu-clock:pppH: \n"
          + "\tffffffff8142a8d2 common_nsleep+0x32 ([kernel.kallsyms])\n"
          + "\t            1139 main+0x10 (/opt/app/app)\n"
          + "\n"
          + "app  1200 [000]  1000.000350:     250000 cpu-clock:pppH: \n"
          + "\t            1150 compute(int)+0x20 (/opt/app/app)\n"
          + "\t            1139 main+0x10 (/opt/app/app)\n"
          + "\n";

  @TempDir Path dir;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream savedErr;
  private PrintStream savedOut;
  private InputStream savedIn;

  @BeforeEach
  void capture() {
    savedErr = System.err;
    savedOut = System.out;
    savedIn = System.in;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(savedErr);
    System.setOut(savedOut);
    System.setIn(savedIn);
  }

  private Path write(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void collapseWritesFoldedStacksLikeStackcollapsePerf() throws Exception {
    Path in = write("perf.txt", PERF);
    Path folded = dir.resolve("out.folded");
    int rc = UniscopeCommand.execute("collapse", in.toString(), "-o", folded.toString());
    assertThat(rc).isZero();
    assertThat(Files.readString(folded))
        .isEqualTo("app;main;common_nsleep 250000\napp;main;compute 250000\n");
    rc = UniscopeCommand.execute("collapse", "--kernel", in.toString(), "-o", folded.toString());
    assertThat(rc).isZero();
    assertThat(Files.readString(folded)).contains("app;main;common_nsleep_[k] 250000\n");
  }

  @Test
  void collapseReadsStdinAndWritesStdout() {
    System.setIn(new ByteArrayInputStream(PERF.getBytes(StandardCharsets.UTF_8)));
    int rc = UniscopeCommand.execute("collapse", "-", "--tid");
    assertThat(rc).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("app-?/1200;main;common_nsleep 250000\napp-?/1200;main;compute 250000\n");
  }

  @Test
  void collapseReportsOrRejectsMalformedLinesWithTheirNumber() throws Exception {
    Path in = write("bad.txt", "app 1 1.0: 1 cycles: \n\t 1 f (m)\nnot a perf line\n\n");
    Path folded = dir.resolve("out.folded");
    assertThat(UniscopeCommand.execute("collapse", in.toString(), "-o", folded.toString()))
        .isZero();
    assertThat(stderr()).contains("line 3: Unrecognized line: not a perf line");
    assertThat(Files.readString(folded)).isEqualTo("app;f 1\n");
    assertThat(UniscopeCommand.execute("collapse", "--strict", in.toString())).isEqualTo(2);
  }

  @Test
  void collapseOfAMissingFileIsAClearError() {
    assertThat(UniscopeCommand.execute("collapse", dir.resolve("nope").toString())).isEqualTo(2);
    assertThat(stderr()).contains("no such file");
  }

  @Test
  void flamegraphFromFoldedEscapesNamesAndIsWellFormed() throws Exception {
    Path in = write("in.folded", "main;<script>alert(1)</script> 3\nmain;a&b\"c 1\n");
    Path svg = dir.resolve("out.svg");
    int rc =
        UniscopeCommand.execute(
            "flamegraph",
            in.toString(),
            "-o",
            svg.toString(),
            "--title",
            "<b>&",
            "--width",
            "800",
            "--colors",
            "mem",
            "--countname",
            "bytes");
    assertThat(rc).isZero();
    String s = Files.readString(svg);
    assertThat(s).doesNotContain("<script>alert").contains("&lt;script&gt;alert(1)");
    assertThat(s).contains(">&lt;b&gt;&amp;</text>").contains("3 bytes, 75.00%");
    parseXml(s);
  }

  @Test
  void flamegraphSniffsPerfScriptAndWritesHtml() throws Exception {
    Path in = write("perf.txt", PERF);
    Path html = dir.resolve("graph.html");
    assertThat(UniscopeCommand.execute("flamegraph", in.toString(), "-o", html.toString()))
        .isZero();
    String s = Files.readString(html);
    assertThat(s).startsWith("<!DOCTYPE html>").contains("<title>compute (250,000 samples");
  }

  @Test
  void flamegraphDiffAgainstABaseline() throws Exception {
    Path before = write("before.folded", "m;a 10\nm;b 30\n");
    Path after = write("after.folded", "m;a 30\nm;b 10\n");
    Path svg = dir.resolve("diff.svg");
    int rc =
        UniscopeCommand.execute(
            "flamegraph", after.toString(), "--diff", before.toString(), "-o", svg.toString());
    assertThat(rc).isZero();
    String s = Files.readString(svg);
    assertThat(s)
        .contains("<title>a (30 samples, 75.00%, self 30; +50.00%)</title>")
        .contains("fill=\"rgb(255,0,0)\"")
        .contains("fill=\"rgb(0,0,255)\"");
    parseXml(s);
  }

  @Test
  void flamegraphTransformsAndLayoutOptions() throws Exception {
    Path in = write("in.folded", "m;f;f;f;g 5\nm;h 5\nm;x;g 2\n");
    Path svg = dir.resolve("out.svg");
    int rc =
        UniscopeCommand.execute(
            "flamegraph",
            in.toString(),
            "-o",
            svg.toString(),
            "--focus",
            "^f$",
            "--collapse-recursion",
            "--inverted",
            "--minwidth",
            "1%",
            "--total",
            "2",
            "--factor",
            "10",
            "--notes",
            "n");
    assertThat(rc).isZero();
    String s = Files.readString(svg);
    assertThat(s).contains(">Icicle Graph</text>").contains("<title>all (50 samples, 100%)");
    assertThat(stderr()).contains("Specified --total 2 is less than actual total 5, so ignored");
    assertThat(s).doesNotContain("<title>h ");
    rc =
        UniscopeCommand.execute(
            "flamegraph",
            in.toString(),
            "-o",
            svg.toString(),
            "--reverse",
            "--exclude",
            "^h$",
            "--flamechart");
    assertThat(rc).isZero();
    assertThat(Files.readString(svg))
        .contains(">Flame Chart</text>")
        .contains("<title>g (7 samples");
  }

  @Test
  void flamegraphRejectsBadOptionsAndEmptyInput() throws Exception {
    Path in = write("in.folded", "a 1\n");
    assertThat(UniscopeCommand.execute("flamegraph", in.toString(), "--include", "(")).isEqualTo(2);
    assertThat(stderr()).contains("--include: invalid regular expression");
    assertThat(UniscopeCommand.execute("flamegraph", in.toString(), "--colors", "plaid"))
        .isEqualTo(2);
    Path empty = write("empty.folded", "garbage\n");
    assertThat(
            UniscopeCommand.execute(
                "flamegraph", empty.toString(), "-o", dir.resolve("e.svg").toString()))
        .isEqualTo(2);
    assertThat(stderr()).contains("line 1: invalid folded line").contains("No stack counts found");
    assertThat(UniscopeCommand.execute("flamegraph", empty.toString(), "--strict")).isEqualTo(2);
  }

  private static void parseXml(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
  }
}
