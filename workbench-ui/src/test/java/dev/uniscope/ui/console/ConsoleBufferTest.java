package dev.uniscope.ui.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConsoleBufferTest {
  @Test
  void keepsTheNewestLinesWithinCapacity() {
    ConsoleBuffer b = new ConsoleBuffer(3);
    AtomicInteger told = new AtomicInteger();
    b.addListener(told::incrementAndGet);
    for (int i = 0; i < 5; i++) {
      b.add("line " + i);
    }
    assertThat(b.lines()).containsExactly("line 2", "line 3", "line 4");
    assertThat(b.dropped()).isEqualTo(2);
    assertThat(b.version()).isEqualTo(5);
    assertThat(told).hasValue(5);
    assertThat(b.firstStartingWith("line 3")).isEqualTo("line 3");
    assertThat(b.firstStartingWith("line 0")).isNull();
  }

  @Test
  void guestTextIsBoundedAndHasNoControlCharacters() {
    String evil = "a\u001b[31mred\u0000\tb" + "x".repeat(10_000);
    String s = ConsoleBuffer.sanitize(evil);
    assertThat(s).hasSize(ConsoleBuffer.MAX_LINE_CHARS + 3 + 1);
    assertThat(s).startsWith("a\uFFFD[31mred\uFFFD    b").endsWith("x\u2026");
    assertThat(s.chars().filter(Character::isISOControl).count()).isZero();
    assertThat(ConsoleBuffer.sanitize("<b>bold</b>")).isEqualTo("<b>bold</b>");
    assertThat(ConsoleBuffer.sanitize(null)).isEmpty();
  }
}
