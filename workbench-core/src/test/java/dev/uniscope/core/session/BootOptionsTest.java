package dev.uniscope.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BootOptionsTest {
  @Test
  void mapsTheCaptureOptionsToKernelBootOptions() {
    BootOptions b = new BootOptions(BootOptions.parseGroups("sched,irq,alloc"), 997, true);
    assertThat(b.kernelArgs())
        .containsExactly(
            "data=com2",
            "trace=sched,irq,alloc,marker",
            "profile=997",
            "heap=track",
            "leak_min_age=" + BootOptions.LEAK_MIN_AGE_MS,
            "leakscan=end");
  }

  @Test
  void theEndScanComesWithHeapTrackingUnlessTurnedOff() {
    assertThat(new BootOptions(0, 0, true).endScan()).isTrue();
    assertThat(new BootOptions(0, 0, false).kernelArgs()).doesNotContain("leakscan=end");
    assertThat(new BootOptions(0, 0, true, false).kernelArgs())
        .containsExactly("data=com2", "trace=marker", "heap=track", "leak_min_age=250");
    // Without heap tracking there is nothing to scan: no leakscan=end even when asked.
    assertThat(new BootOptions(0, 0, false, true).kernelArgs()).doesNotContain("leakscan=end");
  }

  @Test
  void unknownGroupsAndRatesAreUsageErrorsNamingTheValue() {
    assertThatThrownBy(() -> BootOptions.parseGroups("sched,bogus"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bogus")
        .hasMessageContaining("sched");
    assertThatThrownBy(() -> new BootOptions(0, 20_000, false)).hasMessageContaining("20000");
  }

  @Test
  void theUsersOwnWordsWinOverTheDefaults() {
    SessionConfig c =
        SessionConfig.of(Path.of("k.elf"), "leaky", new BootOptions(0, 0, true), Path.of("x"))
            .withExtraArgs("leak_min_age=2000 nokaslr");
    assertThat(c.cmdline())
        .isEqualTo(
            "app=leaky data=com2 trace=marker heap=track leakscan=end leak_min_age=2000 nokaslr");
  }

  @Test
  void refusesAppNamesThatCouldInjectKernelOptions() {
    assertThatThrownBy(
            () ->
                SessionConfig.of(Path.of("k"), "spin profile=1", BootOptions.none(), Path.of("x")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
