package dev.uniscope.flamegraph.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.model.StackTreeBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FoldedParserTest {

  static StackTree parse(String s, List<InputProblem> problems) throws IOException {
    return FoldedParser.parse(
        new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)),
        OnMalformed.SKIP,
        problems::add);
  }

  static String write(StackTree t) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FoldedWriter.write(t, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void parsesMergesAndSorts() throws IOException {
    StackTree t = parse("b;c 2\na;b 1\nb;c 3\nframe with spaces;x 4\n", new ArrayList<>());
    assertThat(t.totalSamples()).isEqualTo(10);
    assertThat(write(t)).isEqualTo("a;b 1\nb;c 5\nframe with spaces;x 4\n");
  }

  @Test
  void secondCountColumnMakesADifferentialTree() throws IOException {
    StackTree t = parse("a;b 10 30\na;c 5 0\n", new ArrayList<>());
    assertThat(t.isDifferential()).isTrue();
    assertThat(t.totalSamples()).isEqualTo(30);
    assertThat(t.baselineTotal(0)).isEqualTo(15);
    assertThat(write(t)).isEqualTo("a;b 10 30\na;c 5 0\n");
  }

  @Test
  void malformedLinesAreReportedWithLineNumberAndSkipped() throws IOException {
    List<InputProblem> problems = new ArrayList<>();
    StackTree t = parse("a 1\nno count here\n# comment\n\nb;c 2\nd;e x3\n", problems);
    assertThat(t.totalSamples()).isEqualTo(3);
    assertThat(problems).extracting(InputProblem::line).containsExactly(2L, 6L);
  }

  @Test
  void rejectPolicyStopsWithTheLineNumber() {
    assertThatThrownBy(
            () ->
                FoldedParser.parse(
                    new ByteArrayInputStream("a 1\n\nbad\n".getBytes(StandardCharsets.UTF_8)),
                    OnMalformed.REJECT,
                    p -> {}))
        .isInstanceOf(MalformedInputException.class)
        .hasMessageStartingWith("line 3: invalid folded line");
  }

  @Test
  void decimalCountsCrlfAndTrailingSemicolons() throws IOException {
    List<InputProblem> problems = new ArrayList<>();
    StackTree t = parse("a;b; 1.5\r\na;b 2.\r\n", problems);
    assertThat(write(t)).isEqualTo("a;b 4\n");
    assertThat(problems).hasSize(1);
  }

  @Test
  void hugeCountsSaturate() throws IOException {
    StackTree t = parse("a 9223372036854775807\nb 9223372036854775807\nc 1\n", new ArrayList<>());
    assertThat(t.totalSamples()).isEqualTo(Long.MAX_VALUE);
    assertThat(t.total(t.child(0, 0))).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void overlongLinesAreSkippedWithoutBufferingThemWhole() throws IOException {
    List<InputProblem> problems = new ArrayList<>();
    StackTreeBuilder b = new StackTreeBuilder();
    byte[] big = new byte[300_000];
    java.util.Arrays.fill(big, (byte) 'x');
    String input = "a 1\n" + new String(big, StandardCharsets.US_ASCII) + " 5\nb 2\n";
    InputStream in = new ByteArrayInputStream(input.getBytes(StandardCharsets.US_ASCII));
    FoldedParser p = new FoldedParser(b, false, OnMalformed.SKIP, problems::add);
    LineReader.read(in, 100_000, p, OnMalformed.SKIP, problems::add);
    assertThat(b.build().totalSamples()).isEqualTo(3);
    assertThat(problems).extracting(InputProblem::line).containsExactly(2L);
  }

  @Test
  void reverseOptionReversesEachStack() throws IOException {
    StackTreeBuilder b = new StackTreeBuilder();
    new FoldedParser(b, true, OnMalformed.SKIP, p -> {})
        .parse(new ByteArrayInputStream("a;b;c 1\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(write(b.build())).isEqualTo("c;b;a 1\n");
  }

  @Test
  void detectsInputFormat() {
    byte[] perf = "app 1 1.0: 1 cycles: \n\t 1 f (m)\n\n".getBytes(StandardCharsets.UTF_8);
    byte[] folded = "a;b 1\nc 2\n".getBytes(StandardCharsets.UTF_8);
    assertThat(InputFormat.detect(perf, perf.length)).isEqualTo(InputFormat.PERF_SCRIPT);
    assertThat(InputFormat.detect(folded, folded.length)).isEqualTo(InputFormat.FOLDED);
  }

  @Test
  void anInterruptedThreadCancelsTheParse() {
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> parse("a 1\n", new ArrayList<>()))
        .isInstanceOf(java.io.InterruptedIOException.class);
    assertThat(Thread.interrupted()).isFalse();
  }
}
