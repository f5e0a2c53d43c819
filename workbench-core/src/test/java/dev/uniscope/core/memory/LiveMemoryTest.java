package dev.uniscope.core.memory;

import static dev.uniscope.core.memory.PageTables.KIB4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.gdbstub.rsp.RspClient;
import dev.uniscope.gdbstub.rsp.RspEndpoint;
import dev.uniscope.gdbstub.rsp.RspOptions;
import dev.uniscope.gdbstub.rsp.StopEvent;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link LiveMemory} against a scripted stub: map checks, the walk over RSP, run control. */
@Timeout(120)
class LiveMemoryTest {
  static final long VA = 0xffffa9493e879000L;
  static final String MTREE =
      """
      FlatView #0
       AS "memory", root: system
       Root memory region: system
        0000000000000000-000000000007ffff (prio 0, ram): pc.ram
        0000000000080000-0000000000080fff (prio 0, i/o): some-device
        0000000000100000-00000000001fffff (prio 0, ram): pc.ram @0000000000100000
      """;

  PhysicalBytes memory = new PhysicalBytes(2 << 20);
  PageTables tables = new PageTables(memory, 0x10000);
  ScriptedStub stub;
  RspClient client;

  @BeforeEach
  void start() throws Exception {
    for (int i = 0; i < memory.bytes.length; i++) {
      memory.bytes[i] = (byte) (i * 13 + 1);
    }
    Arrays.fill(memory.bytes, 0x10000, 0x20000, (byte) 0);
    tables = new PageTables(memory, 0x10000);
    tables.map(VA, 0x100000, KIB4);
    tables.map(VA + KIB4, 0x101000, KIB4);
    tables.map(VA + 2 * KIB4, 0x40000, KIB4);
    stub = new ScriptedStub(memory, tables.root, MTREE);
    client =
        RspClient.connect(
            new RspEndpoint.Tcp("127.0.0.1", stub.port()),
            RspOptions.defaults().withRequestTimeout(Duration.ofSeconds(30)));
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    stub.close();
  }

  @Test
  void physicalReadsStayInsideTheMapQemuReports() throws Exception {
    LiveMemory live = LiveMemory.attach(client);
    assertThat(live.physicalMap().ranges())
        .containsExactly(new PhysicalRange(0, 0x80000), new PhysicalRange(0x100000, 0x100000));
    assertThat(live.physical().read(0x7fff0, 16))
        .isEqualTo(Arrays.copyOfRange(memory.bytes, 0x7fff0, 0x80000));
    int before = stub.packets.size();
    // The device page and the hole are refused without a single packet to the stub.
    assertThatThrownBy(() -> live.physical().read(0x80000, 4))
        .isInstanceOf(AbsentMemoryException.class)
        .hasMessageContaining("physical address 0x80000 is absent");
    assertThatThrownBy(() -> live.physical().read(0x7fff0, 32))
        .isInstanceOf(AbsentMemoryException.class)
        .hasMessageContaining("0x80000");
    assertThat(stub.packets.size()).isEqualTo(before);
  }

  @Test
  void virtualReadsWalkTheTablesFromCr3() throws Exception {
    LiveMemory live = LiveMemory.attach(client);
    assertThat(live.pageTableRoot()).isEqualTo(tables.root);
    byte[] got = live.virtual().read(VA + 0x800, 2 * 4096);
    byte[] want = new byte[2 * 4096];
    System.arraycopy(memory.bytes, 0x100800, want, 0, 0x1800);
    System.arraycopy(memory.bytes, 0x40000, want, 0x1800, 0x800);
    assertThat(got).isEqualTo(want);
    assertThat(live.translate(VA + 2 * KIB4 + 5).physicalAddress()).isEqualTo(0x40005L);
    assertThatThrownBy(() -> live.virtual().read(VA + 3 * KIB4, 1))
        .isInstanceOf(UnmappedAddressException.class)
        .hasMessageContaining("PT entry 124");
    // CR3 was read once and kept while the target stays stopped.
    assertThat(stub.packets.stream().filter(p -> p.equals("p2")).count()).isEqualTo(1);
  }

  @Test
  void stubErrorsBecomeTargetAccessExceptionsNamingTheRange() throws Exception {
    LiveMemory live = LiveMemory.attach(client);
    stub.failingAddresses.add(0x1000L);
    assertThatThrownBy(() -> live.physical().read(0x1000, 8))
        .isInstanceOf(TargetAccessException.class)
        .hasMessageContaining("physical read of 0x8 bytes at 0x1000 through the gdb stub failed");
  }

  @Test
  void whileStoppedStopsReadsAndResumes() throws Exception {
    LiveMemory live = LiveMemory.attach(client);
    live.resume();
    assertThatThrownBy(() -> live.physical().read(0, 8))
        .isInstanceOf(TargetAccessException.class)
        .hasMessageContaining("running");
    long v = live.whileStopped(m -> m.physical().u64(0x100000));
    assertThat(v).isEqualTo(memory.getLong(0x100000));
    // Resumed again: stopping interrupts a running target, the second resume the stub saw.
    assertThat(live.stop()).isInstanceOf(StopEvent.Interrupted.class);
    assertThat(stub.packets.stream().filter(p -> p.startsWith("vCont;c")).count()).isEqualTo(2);
    // Stopped now: whileStopped leaves it stopped.
    int first = live.whileStopped(m -> m.physical().u8(0));
    assertThat(first).isEqualTo(memory.bytes[0] & 0xff);
    assertThat(stub.packets.stream().filter(p -> p.startsWith("vCont;c")).count()).isEqualTo(2);
  }

  @Test
  void aTargetResumedByAnotherUserIsNotSilentlyStopped() throws Exception {
    LiveMemory live = LiveMemory.attach(client);
    var foreign = client.resume();
    // The resume packet goes out on the I/O thread; wait until the client knows it runs.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!client.isRunning() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThatThrownBy(() -> live.whileStopped(m -> m.physical().u8(0)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("resumed by another user");
    client.interrupt();
    assertThat(RspClient.await(foreign, Duration.ofSeconds(30)))
        .isInstanceOf(StopEvent.Interrupted.class);
  }
}
