package dev.uniscope.gdbstub.rsp;

import static dev.uniscope.gdbstub.rsp.RspClient.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uniscope.gdbstub.testing.FirmwareQemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Against a real QEMU 7.2, firmware only, paused at reset, with a random pattern in RAM. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RspQemuTest {
  static final long PATTERN_AT = 0x1000000;
  static final Duration T = Duration.ofSeconds(60);

  FirmwareQemu qemu;
  RspClient client;
  byte[] pattern;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    assumeTrue(FirmwareQemu.available(), "qemu-system-x86_64 not installed");
    pattern = new byte[1 << 20];
    new Random(42).nextBytes(pattern);
    Path file = dir.resolve("pattern.bin");
    Files.write(file, pattern);
    qemu = FirmwareQemu.start(dir, 2, file, PATTERN_AT, false, 0);
    client =
        RspClient.connect(
            new RspEndpoint.Unix(qemu.gdbSocket()),
            RspOptions.defaults().withRequestTimeout(Duration.ofSeconds(30)));
  }

  @AfterAll
  void stop() {
    if (client != null) {
      client.close();
    }
    if (qemu != null) {
      qemu.close();
    }
  }

  @Test
  void handshakeAndTargetDescription() {
    assertThat(client.features()).containsEntry("qXfer:features:read", "+");
    TargetDescription td = client.targetDescription().orElseThrow();
    assertThat(td.architecture()).isEqualTo("i386:x86-64");
    assertThat(td.require("rip").regnum()).isEqualTo(0x10);
    assertThat(td.require("cr3").regnum()).isEqualTo(0x1d);
    assertThat(td.require("xmm0").offset()).isEqualTo(348);
    assertThat(td.registerBytes()).isEqualTo(608);
    assertThat(td.register("ss_base")).isEmpty();
    assertThat(client.initialStop()).get().isInstanceOf(StopReply.Signal.class);
  }

  @Test
  void registersAtResetByName() {
    ThreadId cpu0 = ThreadId.ofCpu(0);
    RegisterValues regs = await(client.readRegisters(cpu0), T);
    assertThat(regs.get("rip")).isEqualTo(0xfff0);
    assertThat(regs.get("cs")).isEqualTo(0xf000);
    assertThat(regs.get("mxcsr")).isEqualTo(0x1f80);
    assertThat(await(client.readRegisterLong(cpu0, "rip"), T)).isEqualTo(0xfff0);
    assertThat(await(client.readRegisterLong(cpu0, "cr0"), T)).isEqualTo(regs.get("cr0"));
  }

  @Test
  void writeRegisterOnSecondCpu() {
    // Outside long mode QEMU keeps only the low 32 bits of a GPR write.
    ThreadId cpu1 = ThreadId.ofCpu(1);
    long old = await(client.readRegisterLong(cpu1, "rbx"), T);
    await(client.writeRegister(cpu1, "rbx", 0x5678_9abcL), T);
    assertThat(await(client.readRegisterLong(cpu1, "rbx"), T)).isEqualTo(0x5678_9abcL);
    assertThat(await(client.readRegisterLong(ThreadId.ofCpu(0), "rbx"), T))
        .isNotEqualTo(0x5678_9abcL);
    await(client.writeRegister(cpu1, "rbx", old), T);
  }

  @Test
  void vcpusAreThreads() {
    List<ThreadId> threads = await(client.threads(), T);
    assertThat(threads).containsExactly(ThreadId.ofCpu(0), ThreadId.ofCpu(1));
    assertThat(await(client.threadExtraInfo(threads.get(1)), T)).startsWith("CPU#1");
  }

  @Test
  void pipelinedReadMatchesLoadedPatternInBothAddressSpaces() {
    byte[] phys = await(client.readMemory(AddressSpace.PHYSICAL, PATTERN_AT, pattern.length), T);
    assertThat(phys).isEqualTo(pattern);
    // Paging is off at reset: virtual = physical.
    byte[] virt = await(client.readMemory(AddressSpace.VIRTUAL, PATTERN_AT + 5, 10_000), T);
    assertThat(virt).isEqualTo(java.util.Arrays.copyOfRange(pattern, 5, 10_005));
  }

  @Test
  void unalignedOddSizedReadsAcrossChunks() {
    for (int len : new int[] {1, 2047, 2048, 2049, 6145}) {
      byte[] got = await(client.readMemory(AddressSpace.PHYSICAL, PATTERN_AT + 3, len), T);
      assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(pattern, 3, 3 + len));
    }
  }

  @Test
  void writeThenReadBack() {
    byte[] data = new byte[5000];
    new Random(7).nextBytes(data);
    long at = 0x2000000;
    await(client.writeMemory(AddressSpace.PHYSICAL, at, data), T);
    assertThat(await(client.readMemory(AddressSpace.PHYSICAL, at, data.length), T)).isEqualTo(data);
  }

  @Test
  void monitorCommandOutput() {
    assertThat(await(client.monitor("info status"), T)).contains("paused");
    assertThat(await(client.monitor("no-such-command"), T)).contains("unknown command");
  }

  @Test
  void monitorDumpIsMappedAndFallsBackToRsp(@TempDir Path tmp) throws Exception {
    Path dir = MonitorDump.privateDirectory();
    try (var m =
        await(
            MonitorDump.save(
                client, AddressSpace.PHYSICAL, ThreadId.ofCpu(0), PATTERN_AT, 65536, dir),
            T)) {
      assertThat(m.toArray()).isEqualTo(java.util.Arrays.copyOf(pattern, 65536));
    }
    // Virtual addresses through memsave (paging off at reset: virtual = physical).
    try (var m =
        await(
            MonitorDump.save(
                client, AddressSpace.VIRTUAL, ThreadId.ofCpu(1), PATTERN_AT + 8, 100, dir),
            T)) {
      assertThat(m.toArray()).isEqualTo(java.util.Arrays.copyOfRange(pattern, 8, 108));
    }
    Files.delete(dir);
    // QEMU cannot write into a directory that does not exist: RSP takes over.
    byte[] viaFallback =
        await(
            MonitorDump.read(
                client,
                AddressSpace.PHYSICAL,
                ThreadId.ofCpu(0),
                PATTERN_AT,
                5000,
                tmp.resolve("missing")),
            T);
    assertThat(viaFallback).isEqualTo(java.util.Arrays.copyOf(pattern, 5000));
  }

  @Test
  void errorReplyIsTyped() {
    // Beyond the stub's reply buffer: QEMU answers E22.
    assertThatThrownBy(() -> await(client.request("m0,1000"), T))
        .isInstanceOf(RspException.ErrorReply.class)
        .hasMessageContaining("E22");
    assertThat(client.connection().isOpen()).isTrue();
  }
}
