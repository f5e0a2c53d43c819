package dev.uniscope.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunRecordTest {
  private static RunRecord ended(SessionOutcome o) {
    return new RunRecord(
        "spin",
        "/k.elf",
        "app=spin",
        2,
        o.kind(),
        o instanceof SessionOutcome.AppExited(int s) ? s : -1,
        o instanceof SessionOutcome.Panicked p ? p.reason() : "",
        "",
        1_000_000_000L,
        List.of());
  }

  @Test
  void everyOutcomeHasWordsOfItsOwn() {
    List<SessionOutcome> all =
        List.of(
            new SessionOutcome.AppExited(3),
            new SessionOutcome.Panicked("boom at f+0x1", Path.of("d")),
            new SessionOutcome.DurationElapsed(),
            new SessionOutcome.TimedOut(),
            new SessionOutcome.Cancelled(),
            new SessionOutcome.GuestRebooted("app=reboot"),
            new SessionOutcome.QemuDied(137));
    List<String> texts = all.stream().map(o -> ended(o).outcomeText()).toList();
    assertThat(texts).doesNotHaveDuplicates();
    for (int i = 0; i < all.size(); i++) {
      assertThat(texts.get(i)).as("words for %s", all.get(i)).isNotEqualTo(all.get(i).kind());
    }
    assertThat(texts.get(0)).isEqualTo("exited with status 3");
    assertThat(texts.get(1)).isEqualTo("PANIC: boom at f+0x1");
    assertThat(texts.get(5)).isEqualTo("the guest rebooted");
  }
}
