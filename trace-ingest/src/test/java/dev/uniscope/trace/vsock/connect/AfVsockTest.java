package dev.uniscope.trace.vsock.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.trace.vsock.ffm.Errno;
import dev.uniscope.trace.vsock.ffm.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What this machine allows for native AF_VSOCK: the address layout, refusing CID 2 before any
 * syscall, and the error paths. It never connects to CID 2.
 */
@Timeout(30)
class AfVsockTest {
  @Test
  void sockaddrVmIsSixteenBytesWithLinuxOffsets() {
    assertThat(SockaddrVm.LAYOUT.byteSize()).isEqualTo(16);
    assertThat(SockaddrVm.offsetOf("svm_family")).isZero();
    assertThat(SockaddrVm.offsetOf("svm_reserved1")).isEqualTo(2);
    assertThat(SockaddrVm.offsetOf("svm_port")).isEqualTo(4);
    assertThat(SockaddrVm.offsetOf("svm_cid")).isEqualTo(8);
    assertThat(SockaddrVm.offsetOf("svm_flags")).isEqualTo(12);
    assertThat(SockaddrVm.offsetOf("svm_zero")).isEqualTo(13);
  }

  @Test
  void sockaddrVmBytesAreHostOrder() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment s = SockaddrVm.of(a, new VsockAddress(0x0102_0304L, 0x0a0b_0c0d));
      assertThat(s.toArray(ValueLayout.JAVA_BYTE))
          .containsExactly(40, 0, 0, 0, 0x0d, 0x0c, 0x0b, 0x0a, 4, 3, 2, 1, 0, 0, 0, 0);
    }
  }

  @Test
  void cidTwoIsRefusedWithAClearMessage() {
    assertThatThrownBy(() -> new AfVsockConnector().connect(new VsockAddress(2, 1234)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CID 2")
        .hasMessageContaining("VMADDR_CID_HOST");
  }

  @Test
  void reservedCidsAreRefused() {
    assertThatThrownBy(() -> new AfVsockConnector().connect(new VsockAddress(0, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> new AfVsockConnector().connect(new VsockAddress(0xffff_ffffL, 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new VsockAddress(-1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new VsockAddress(1L << 32, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void missingAddressFamilySaysWhatTheHostLacks() {
    IOException e = AfVsockConnector.socketError(Errno.EAFNOSUPPORT, null);
    assertThat(e).hasMessageContaining("no AF_VSOCK support").hasMessageContaining("EAFNOSUPPORT");
    assertThat(AfVsockConnector.socketError(Errno.EACCES, null)).hasMessageContaining("EACCES");
  }

  @Test
  void socketCreationEitherWorksOrSaysWhy() {
    try {
      int fd = AfVsockConnector.openSocket();
      assertThat(fd).isNotNegative();
      Libc.close(fd);
    } catch (IOException e) {
      assertThat(e).hasMessageContaining("AF_VSOCK");
    }
  }

  @Test
  void failedConnectNamesTheAddress() {
    // CID 1 is loopback (needs vsock_loopback); a port nobody uses. Never CID 2.
    assertThatThrownBy(() -> new AfVsockConnector().connect(new VsockAddress(1, 0x7ffe_1234)))
        .isInstanceOf(IOException.class)
        .satisfiesAnyOf(
            t -> assertThat(t).hasMessageContaining("vsock 1:2147357236"),
            t -> assertThat(t).hasMessageContaining("AF_VSOCK"));
  }
}
