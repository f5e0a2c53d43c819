package dev.uniscope.tests.qmp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.qmp.QmpClient;
import dev.uniscope.core.qmp.QmpEvent;
import dev.uniscope.core.qmp.QmpException;
import dev.uniscope.tests.harness.QemuVm;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The QMP client against QEMU 7.2 running the kernel. */
class QmpEndToEndTest {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  @Timeout(300)
  void statusDumpContAndQuitAgainstRealQemu() throws Exception {
    // Paused from the start, so the test controls when the guest runs.
    try (QemuVm vm = QemuVm.builder().append("app=spin").memory("128M").qmp().paused().start();
        QmpClient qmp = QmpClient.connect(vm.qmpSocket(), TIMEOUT)) {
      assertThat(qmp.qemuVersion()).matches("\\d+\\.\\d+\\.\\d+");
      var events = new LinkedBlockingQueue<QmpEvent>();
      qmp.onEvent(events::add);
      assertThat(qmp.status()).isIn("prelaunch", "paused");
      assertThat(qmp.humanMonitorCommand("info status")).contains("paused");

      // A dump of the stopped machine: an ELF core holding the guest's physical memory.
      Path core = vm.dir().resolve("vm.core");
      qmp.dumpGuestMemory(core);
      byte[] head = new byte[4];
      try (InputStream in = Files.newInputStream(core)) {
        assertThat(in.readNBytes(head, 0, 4)).isEqualTo(4);
      }
      assertThat(head).containsExactly(0x7f, 'E', 'L', 'F');
      assertThat(Files.size(core)).isGreaterThan(128L << 20);

      qmp.cont();
      nextEvent(events, "RESUME");
      vm.console()
          .awaitLine(Pattern.compile("^uniscope: kernel \\S+ booting"), Duration.ofMinutes(2));
      // The app may already have powered the VM off; either way QEMU must go away cleanly.
      try {
        qmp.quit();
      } catch (QmpException gone) {
        assertThat(gone).hasMessageContaining("QMP connection");
      }
      qmp.closedFuture().get(60, TimeUnit.SECONDS);
      vm.awaitExit(Duration.ofSeconds(60));
    }
  }

  static QmpEvent nextEvent(LinkedBlockingQueue<QmpEvent> q, String name) throws Exception {
    while (true) {
      QmpEvent e = q.poll(60, TimeUnit.SECONDS);
      assertThat(e).as("event " + name + " within 60 s").isNotNull();
      if (e.name().equals(name)) {
        return e;
      }
    }
  }
}
