package dev.uniscope.trace.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.session.TraceSession;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamImportTest {
  @TempDir Path dir;

  @Test
  void rawStreamOfTheReferenceCWriterBecomesACapture() throws Exception {
    Path raw = dir.resolve("com2.bin");
    try (InputStream in = getClass().getResourceAsStream("/c-writer-sample.bin")) {
      Files.write(raw, in.readAllBytes());
    }
    Path cap = dir.resolve("out.ucap");
    TraceSession s = StreamImport.importStream(raw, cap, new ProblemLog());
    assertThat(s.stats().records()).isEqualTo(3000);
    assertThat(s.stats().garbageBytes()).isEqualTo(37);
    try (CaptureReader r = CaptureReader.open(cap, new ProblemLog())) {
      assertThat(r.footerRebuilt()).isFalse();
      assertThat(r.header().buildIdHex()).isEqualTo("deadbeef");
      assertThat(r.load().store().eventCount()).isEqualTo(3000);
    }
  }
}
