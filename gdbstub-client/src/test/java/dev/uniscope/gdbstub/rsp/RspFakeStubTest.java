package dev.uniscope.gdbstub.rsp;

import static dev.uniscope.gdbstub.testing.FakeStub.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.gdbstub.testing.FakeStub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Misbehaving stubs give clear errors, never hangs. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RspFakeStubTest {
  static final Duration SHORT = Duration.ofMillis(500);
  @TempDir Path dir;

  private static RspOptions fast() {
    return RspOptions.defaults().withRequestTimeout(SHORT).withQueryHaltReason(false);
  }

  private static String basic(String p) {
    if (p.startsWith("qSupported")) {
      return reply("PacketSize=1000;multiprocess+");
    }
    if (p.equals("vCont?")) {
      return reply("vCont;c;C;s;S");
    }
    return null;
  }

  @Test
  void silentStubTimesOutWithClearError() throws Exception {
    try (var stub = new FakeStub(dir.resolve("s"), "", p -> null)) {
      assertThatThrownBy(() -> RspClient.connect(new RspEndpoint.Unix(stub.path()), fast()))
          .isInstanceOf(RspException.Timeout.class)
          .hasMessageContaining("did not answer 'qSupported");
    }
  }

  @Test
  void readTimesOutAndLaterRequestsFailFast() throws Exception {
    try (var stub = new FakeStub(dir.resolve("s"), "", RspFakeStubTest::basic);
        var c = RspClient.connect(new RspEndpoint.Unix(stub.path()), fast())) {
      assertThatThrownBy(() -> RspClient.await(c.readMemory(0x1000, 100_000), SHORT))
          .isInstanceOf(RspException.Timeout.class)
          .hasMessageContaining("'m1000,800'");
      assertThatThrownBy(() -> RspClient.await(c.request("g"), SHORT))
          .isInstanceOf(RspException.class);
    }
  }

  @Test
  void unsolicitedStopOnConnectIsNotTakenAsAReply() throws Exception {
    try (var stub =
            new FakeStub(
                dir.resolve("s"), FakeStub.frame("T02thread:p01.01;"), RspFakeStubTest::basic);
        var c = RspClient.connect(new RspEndpoint.Unix(stub.path()), fast())) {
      assertThat(c.features()).containsEntry("multiprocess", "+");
    }
  }

  @Test
  void nakCausesRetransmission() throws Exception {
    AtomicInteger naks = new AtomicInteger();
    try (var stub =
            new FakeStub(
                dir.resolve("s"),
                "",
                p -> {
                  if (p.equals("m10,4") && naks.getAndIncrement() == 0) {
                    return "-";
                  }
                  return p.equals("m10,4") ? reply("deadbeef") : basic(p);
                });
        var c = RspClient.connect(new RspEndpoint.Unix(stub.path()), fast())) {
      assertThat(RspClient.await(c.readMemory(0x10, 4), SHORT))
          .containsExactly(0xde, 0xad, 0xbe, 0xef);
      assertThat(stub.received.stream().filter("m10,4"::equals)).hasSize(2);
    }
  }

  @Test
  void runLengthEncodedRepliesAndShortRepliesAreHandled() throws Exception {
    try (var stub =
            new FakeStub(
                dir.resolve("s"),
                "",
                p ->
                    switch (p) {
                      // '0' + '"' (34 - 29 = 5) more '0's + "1a" = "0000001a"
                      case "m0,4" -> reply("0*\"1a");
                      case "m0,2" -> reply("00");
                      default -> basic(p);
                    });
        var c = RspClient.connect(new RspEndpoint.Unix(stub.path()), fast())) {
      assertThat(RspClient.await(c.readMemory(0, 4), SHORT)).containsExactly(0, 0, 0, 0x1a);
      assertThatThrownBy(() -> RspClient.await(c.readMemory(0, 2), SHORT))
          .isInstanceOf(RspException.Malformed.class)
          .hasMessageContaining("expected 2 bytes, got 1");
    }
  }

  @Test
  void endlessPacketIsAFramingErrorNotUnboundedMemory() throws Exception {
    String huge = "+$" + "a".repeat(300_000);
    try (var stub = new FakeStub(dir.resolve("s"), "", p -> p.equals("g") ? huge : basic(p));
        var c = RspClient.connect(new RspEndpoint.Unix(stub.path()), fast())) {
      assertThatThrownBy(() -> RspClient.await(c.request("g"), SHORT))
          .isInstanceOf(RspException.class)
          .hasMessageContaining("without a '#'");
    }
  }

  @Test
  void stubDyingFailsPendingRequests() throws Exception {
    var stub = new FakeStub(dir.resolve("s"), "", RspFakeStubTest::basic);
    try (var c =
        RspClient.connect(
            new RspEndpoint.Unix(stub.path()), fast().withRequestTimeout(Duration.ofSeconds(30)))) {
      var f = c.request("g");
      stub.close();
      assertThatThrownBy(() -> RspClient.await(f, Duration.ofSeconds(30)))
          .isInstanceOf(RspException.Closed.class);
    }
  }

  @Test
  void commandsWhileRunningAreRejectedAndInterruptStops() throws Exception {
    try (var stub =
            new FakeStub(
                dir.resolve("s"),
                "",
                p ->
                    switch (p) {
                      case "vCont;c" -> "+";
                      case "\u0003" -> FakeStub.frame("T02thread:p01.02;");
                      default -> basic(p);
                    });
        var c = RspClient.connect(new RspEndpoint.Unix(stub.path()), fast())) {
      var stop = c.resume();
      assertThatThrownBy(() -> RspClient.await(c.request("g"), SHORT))
          .hasMessageContaining("target is running");
      c.interrupt();
      StopEvent e = RspClient.await(stop, SHORT);
      assertThat(e).isInstanceOf(StopEvent.Interrupted.class);
      assertThat(((StopEvent.Interrupted) e).thread()).isEqualTo(new ThreadId(1, 2));
    }
  }
}
