package dev.uniscope.ui.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LaunchOptionsTest {
  @Test
  void defaultsBootKvstoreLive() throws Exception {
    LaunchOptions o = LaunchOptions.parse(List.of());
    assertThat(o.input()).isNull();
    assertThat(o.kernel()).isNull();
    assertThat(o.app()).isEqualTo("kvstore");
    assertThat(o.vsock()).isTrue();
    assertThat(o.screenshot()).isNull();
  }

  @Test
  void everyArgument() throws Exception {
    LaunchOptions o =
        LaunchOptions.parse(
            List.of(
                "cap.uscope",
                "--kernel",
                "k.elf",
                "--app",
                "spin",
                "--transport",
                "serial",
                "--screenshot",
                "s.png"));
    assertThat(o.input()).isEqualTo(Path.of("cap.uscope"));
    assertThat(o.kernel()).isEqualTo(Path.of("k.elf"));
    assertThat(o.app()).isEqualTo("spin");
    assertThat(o.vsock()).isFalse();
    assertThat(o.screenshot()).isEqualTo(Path.of("s.png"));
  }

  @Test
  void badCommandLinesNameTheProblem() {
    assertThatThrownBy(() -> LaunchOptions.parse(List.of("--screenshot")))
        .hasMessageContaining("--screenshot needs a value");
    assertThatThrownBy(() -> LaunchOptions.parse(List.of("--transport", "tcp")))
        .hasMessageContaining("--transport is vsock or serial, not 'tcp'");
    assertThatThrownBy(() -> LaunchOptions.parse(List.of("--bogus")))
        .hasMessageContaining("unknown option --bogus");
    assertThatThrownBy(() -> LaunchOptions.parse(List.of("a", "b")))
        .hasMessageContaining("only one file");
    assertThatThrownBy(() -> LaunchOptions.parse(List.of("--app", "x;rm")))
        .isInstanceOf(LaunchOptions.UsageException.class)
        .hasMessageContaining("is not");
  }
}
