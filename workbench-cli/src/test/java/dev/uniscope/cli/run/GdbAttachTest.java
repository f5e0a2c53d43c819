package dev.uniscope.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.cli.ExitCodes;
import dev.uniscope.cli.UniscopeCommand;
import dev.uniscope.gdbstub.rsp.RspEndpoint;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code attach --gdb}: stub addresses and the option rules (no QEMU needed). */
class GdbAttachTest {
  @TempDir Path dir;

  @Test
  void stubAddresses() {
    assertThat(GdbAttach.endpoint("unix:/tmp/a b/gdb.sock"))
        .isEqualTo(new RspEndpoint.Unix(Path.of("/tmp/a b/gdb.sock")));
    assertThat(GdbAttach.endpoint("/tmp/gdb.sock"))
        .isEqualTo(new RspEndpoint.Unix(Path.of("/tmp/gdb.sock")));
    assertThat(GdbAttach.endpoint("127.0.0.1:1234"))
        .isEqualTo(new RspEndpoint.Tcp("127.0.0.1", 1234));
    assertThatThrownBy(() -> GdbAttach.endpoint("127.0.0.1:x"))
        .hasMessageContaining("is not HOST:PORT");
    assertThatThrownBy(() -> GdbAttach.endpoint("127.0.0.1:70000"))
        .hasMessageContaining("outside 1..65535");
  }

  @Test
  void optionRulesAreUsageErrors() {
    String out = dir.resolve("c.uscope").toString();
    assertThat(UniscopeCommand.execute("attach", "--out", out)).isEqualTo(ExitCodes.USAGE);
    assertThat(
            UniscopeCommand.execute(
                "attach", "--gdb", "/nonexistent", "--serial", "/nonexistent", "--out", out))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(
            UniscopeCommand.execute(
                "attach", "--gdb", "/nonexistent", "--once", "--duration", "1s", "--out", out))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(
            UniscopeCommand.execute("attach", "--gdb", "/nonexistent", "--leak-scan", "--out", out))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(
            UniscopeCommand.execute(
                "attach", "--serial", "/nonexistent", "--interval", "1s", "--out", out))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(UniscopeCommand.execute("attach", "--serial", "/x", "--pmemsave", "--out", out))
        .isEqualTo(ExitCodes.USAGE);
    // pmemsave writes files on QEMU's host: refused for a remote stub before connecting
    assertThat(
            UniscopeCommand.execute(
                "attach", "--gdb", "192.0.2.1:1234", "--pmemsave", "--out", out))
        .isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void noStubIsAnErrorNamingIt() {
    String out = dir.resolve("c.uscope").toString();
    assertThat(
            UniscopeCommand.execute(
                "attach", "--gdb", dir.resolve("missing.sock").toString(), "--out", out))
        .isEqualTo(ExitCodes.APP_FAILED);
  }
}
