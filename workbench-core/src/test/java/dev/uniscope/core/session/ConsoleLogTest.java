package dev.uniscope.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleLogTest {
  @Test
  void splitsLinesAcrossChunksAndKeepsTheFacts() {
    List<String> lines = new ArrayList<>();
    ConsoleLog log = new ConsoleLog(lines::add);
    log.accept("app: start name=le".getBytes(StandardCharsets.UTF_8));
    log.accept(
        "aky cpus=2 boot_us=1\r\npanic: kfree: double free\r\npanic: end\r\n"
            .getBytes(StandardCharsets.UTF_8));
    log.end();
    assertThat(lines)
        .containsExactly(
            "app: start name=leaky cpus=2 boot_us=1", "panic: kfree: double free", "panic: end");
    assertThat(log.appName()).isEqualTo("leaky");
    assertThat(log.panicReason()).isEqualTo("kfree: double free");
  }

  @Test
  void boundsLinesAndTheTail() {
    ConsoleLog log = new ConsoleLog(l -> {});
    log.accept(new byte[ConsoleLog.MAX_LINE * 3]);
    log.accept("\n".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < ConsoleLog.TAIL_LINES * 2; i++) {
      log.accept(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
    }
    assertThat(log.tail()).hasSize(ConsoleLog.TAIL_LINES);
    assertThat(log.tail().getLast()).isEqualTo("line " + (ConsoleLog.TAIL_LINES * 2 - 1));
  }
}
