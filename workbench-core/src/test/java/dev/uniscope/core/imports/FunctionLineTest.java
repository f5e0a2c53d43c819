package dev.uniscope.core.imports;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FunctionLineTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // line | comm | pid | cpu | ts | body
        "\"     worker/0-17    [001] d..1. 1203.004512: sched_tick <-timer_interrupt\" | worker/0 | 17 | 1 | 1203004512000 | sched_tick <-timer_interrupt",
        "\"  my task-name-4  [000] .... 1.5: x\" | my task-name | 4 | 0 | 1500000000 | x",
        "\"  bash-1977  (   1977) [002] d..2.  5.000000001: y\" | bash | 1977 | 2 | 5000000001 | y",
        "\"  bash-1977  ( ------) [002] d..2.  5.000000001: y\" | bash | 1977 | 2 | 5000000001 | y",
        "\"  <idle>-0     [003]  7.25: no flags column [001] in body\" | <idle> | 0 | 3 | 7250000000 | no flags column [001] in body",
        "\"a [b]-c-12 [4] ....  0.000001: z: 1\" | a [b]-c | 12 | 4 | 1000 | z: 1"
      })
  void splitsTheColumns(String line, String comm, int pid, int cpu, long ts, String body) {
    FunctionLine f = new FunctionLine();
    assertThat(f.parse(line)).isTrue();
    assertThat(f.comm).isEqualTo(comm);
    assertThat(f.pid).isEqualTo(pid);
    assertThat(f.cpu).isEqualTo(cpu);
    assertThat(f.ts).isEqualTo(ts);
    assertThat(f.body).isEqualTo(body);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "no brackets at all",
        "  a-1 [000] ..... 1.000001:",
        "  a-1 [000] ..... 1.000001:x",
        "  a-1 [000] ..... 99999999999.000001: too late",
        "  a-99999999999 [000] ..... 1.0: pid too big",
        "  a- [000] ..... 1.0: no pid",
        "  -1 [000] ..... 1.0",
        "  a-1 [] ..... 1.0: no cpu",
        "  a-1 [123456] ..... 1.0: cpu too long",
        "  a-1 [000] .......... 1.0: flags too long",
        "  a-1 [000] ..... 1.: no fraction"
      })
  void rejectsOtherShapes(String line) {
    assertThat(new FunctionLine().parse(line)).isFalse();
  }
}
