package dev.uniscope.flamegraph.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.flamegraph.model.StackTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerfScriptCollapserTest {

  static String collapse(String perf, CollapseOptions o, List<InputProblem> problems)
      throws IOException {
    StackTree t =
        PerfScriptCollapser.collapse(
            new ByteArrayInputStream(perf.getBytes(StandardCharsets.UTF_8)), o, problems::add);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FoldedWriter.write(t, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  static String collapse(String perf) throws IOException {
    return collapse(perf, CollapseOptions.defaults(), new ArrayList<>());
  }

  @Test
  void handCheckedSampleMatchesExpectedFoldedOutput() throws IOException {
    String perf;
    String expected;
    try (InputStream in = getClass().getResourceAsStream("/perf/sample.perf-script");
        InputStream exp = getClass().getResourceAsStream("/perf/sample.folded")) {
      perf = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      expected = new String(exp.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<InputProblem> problems = new ArrayList<>();
    assertThat(collapse(perf, CollapseOptions.defaults(), problems)).isEqualTo(expected);
    // The one page-faults sample is filtered: the first event seen (cpu-clock:pppH) wins.
    assertThat(problems)
        .extracting(InputProblem::message)
        .containsExactly("Filtering for events of type: page-faults");
  }

  @Test
  void commandNamesWithSpacesAndPidTidOptions() throws IOException {
    String perf =
        "V8 WorkerThread 24636/25607 [000] 94564.109216: 100 cycles: \n"
            + "\t 7f00 foo (/x)\n\n"
            + "java 12688 [002] 6544038.708352: 1 cycles: \n"
            + "\t 7f00 bar (/x)\n\n"
            + "swapper     0/0 [000] 158665.570607: 1 cycles: \n"
            + "\t ffff native_safe_halt ([kernel.kallsyms])\n\n";
    assertThat(collapse(perf))
        .isEqualTo("V8_WorkerThread;foo 100\njava;bar 1\nswapper;native_safe_halt 1\n");
    CollapseOptions tid = CollapseOptions.defaults().withTid(true);
    assertThat(collapse(perf, tid, new ArrayList<>()))
        .isEqualTo(
            "V8_WorkerThread-24636/25607;foo 100\njava-?/12688;bar 1\n"
                + "swapper-?/0;native_safe_halt 1\n");
    CollapseOptions pid = CollapseOptions.defaults().withPid(true);
    assertThat(collapse(perf, pid, new ArrayList<>()))
        .isEqualTo("V8_WorkerThread-24636;foo 100\njava-?;bar 1\nswapper-?;native_safe_halt 1\n");
  }

  @Test
  void symbolTidyingRules() throws IOException {
    String perf =
        "app 1 1.0: 1 cycles: \n"
            + "\t 1 v8::Foo(int)+0x1a (/l.so)\n"
            + "\t 2 net/http.(*Client).Do+0x10 (/app)\n"
            + "\t 3 (anonymous namespace)::bar(char) (/app)\n"
            + "\t 4 ns::(anonymous namespace)::baz(int) (/app)\n"
            + "\t 5 semi;colon\"quote's (/app)\n"
            + "\t 6 upper+0xABC (m)\n"
            + "\t 7 [unknown] (/usr/lib/libc.so.6)\n"
            + "\t 8 [unknown] ([unknown])\n"
            + "\t 9 a->b->c (/app)\n\n";
    // Leaf first in perf; root first in folded. Frame 3 starts with '(' and is skipped.
    assertThat(collapse(perf))
        .isEqualTo(
            "app;a;b_[i];c_[i];[unknown];[libc.so.6];upper+0xABC;semi:colonquotes;"
                + "ns::(anonymous namespace)::baz;net/http.(*Client).Do;v8::Foo 1\n");
  }

  @Test
  void annotationsAndAddresses() throws IOException {
    String perf =
        "app 1 1.0: 1 cycles: \n"
            + "\t ffff81 schedule ([kernel.kallsyms])\n"
            + "\t 8c3453 tcp_sendmsg (/lib/modules/6.1/build/vmlinux)\n"
            + "\t 7f72 Ljava/io/PrintStream;::print (/tmp/perf-19982.map)\n"
            + "\t 4242 [unknown] ([unknown])\n\n";
    CollapseOptions all = CollapseOptions.defaults().withKernel(true).withJit(true).withAddrs(true);
    assertThat(collapse(perf, all, new ArrayList<>()))
        .isEqualTo(
            "app;[unknown <4242>];Ljava/io/PrintStream:::print_[j];tcp_sendmsg_[k];"
                + "schedule_[k] 1\n");
  }

  @Test
  void periodsEventsAndZeroPeriod() throws IOException {
    String perf =
        "aa 1 1.0: 7 cycles: \n\t 1 f (m)\n\n"
            + "aa 1 1.0: 9 instructions: \n\t 1 g (m)\n\n"
            + "aa 1 1.0: 0 cycles: \n\t 1 f (m)\n\n"
            + "aa 1 1.0: cycles: \n\t 1 f (m)\n\n";
    // "0" is false in Perl, so the period becomes 1; no period also means 1.
    assertThat(collapse(perf)).isEqualTo("aa;f 9\n");
    CollapseOptions instr = CollapseOptions.defaults().withEventFilter("instructions");
    assertThat(collapse(perf, instr, new ArrayList<>())).isEqualTo("aa;g 9\n");
  }

  @Test
  void hugePeriodsSaturateInsteadOfOverflowing() throws IOException {
    String perf =
        "aa 1 1.0: 9223372036854775807 cycles: \n\t 1 f (m)\n\n"
            + "aa 1 1.0: 99999999999999999999999 cycles: \n\t 1 f (m)\n\n";
    assertThat(collapse(perf)).isEqualTo("aa;f " + Long.MAX_VALUE + "\n");
  }

  @Test
  void oneCharacterCommandNamesFollowThePerlRegex() throws IOException {
    // (\S.+?) needs two characters, so "a 1 1.0:" becomes the command name.
    assertThat(collapse("a 1 1.0: 7 cycles: \n\t 1 f (m)\n\n")).isEqualTo("a_1_1.0:;f 7\n");
  }

  @Test
  void sampleIsCountedOnlyAtTheBlankLineThatEndsIt() throws IOException {
    assertThat(collapse("aa 1 1.0: 1 cycles: \n\t 1 f (m)\n")).isEmpty();
    assertThat(collapse("aa 1 1.0: 1 cycles: \n\n")).isEqualTo("aa 1\n");
  }

  @Test
  void unrecognizedLinesAreReportedWithLineNumbers() throws IOException {
    List<InputProblem> problems = new ArrayList<>();
    String perf = "aa 1 1.0: 1 cycles: \n\t 1 f (m)\ngarbage\n   \n\n";
    assertThat(collapse(perf, CollapseOptions.defaults(), problems)).isEqualTo("aa;f 1\n");
    assertThat(problems).extracting(InputProblem::line).containsExactly(3L, 4L);
    assertThat(problems.get(0).message()).startsWith("Unrecognized line: garbage");
  }

  @Test
  void strictModeRejectsAtTheFirstBadLine() {
    String perf = "aa 1 1.0: 1 cycles: \n\t 1 f (m)\ngarbage\n\n";
    CollapseOptions strict = CollapseOptions.defaults().withOnMalformed(OnMalformed.REJECT);
    assertThatThrownBy(() -> collapse(perf, strict, new ArrayList<>()))
        .isInstanceOf(MalformedInputException.class)
        .hasMessageStartingWith("line 3: Unrecognized line: garbage");
  }

  @Test
  void outputIsSortedByteWise() throws IOException {
    String perf =
        "aa 1 1.0: 1 cycles: \n\t 1 b (m)\n\n"
            + "aa 1 1.0: 1 cycles: \n\t 1 x (m)\n\t 1 a! (m)\n\n"
            + "aa 1 1.0: 1 cycles: \n\t 1 a (m)\n\n"
            + "aa 1 1.0: 1 cycles: \n\t 1 y (m)\n\t 1 a (m)\n\n";
    // "aa;a!;x" < "aa;a;y" because '!' < ';' -- plain byte order, not tree order.
    assertThat(collapse(perf)).isEqualTo("aa;a 1\naa;a!;x 1\naa;a;y 1\naa;b 1\n");
  }
}
