package dev.uniscope.ui.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLoaderTest {
  @TempDir Path dir;

  @Test
  void aFoldedFileBecomesAFlameTreeAndBadLinesAreCounted() throws Exception {
    Path f = dir.resolve("p.folded");
    Files.writeString(
        f, "main;spin;burn_a 50\nmain;spin;burn_b 30\nnot a stack line\nmain;spin;burn_c 20\n");
    List<Double> progress = new ArrayList<>();
    OpenedFile o = FileLoader.load(f, null, (phase, x) -> progress.add(x), () -> false);
    assertThat(o).isInstanceOf(OpenedFile.Folded.class);
    OpenedFile.Folded folded = (OpenedFile.Folded) o;
    assertThat(folded.samples()).isEqualTo(100);
    assertThat(folded.ignoredLines()).isEqualTo(1);
    assertThat(progress).last().isEqualTo(1.0);
  }

  @Test
  void captureMagicIsSniffedAndABrokenCaptureIsAnError() throws Exception {
    Path f = dir.resolve("broken.uscope");
    byte[] bytes = new byte[100];
    System.arraycopy(FileLoader.CAPTURE_MAGIC, 0, bytes, 0, FileLoader.CAPTURE_MAGIC.length);
    Files.write(f, bytes);
    assertThat(FileLoader.isCapture(f)).isTrue();
    assertThatThrownBy(() -> FileLoader.load(f, null, (p, x) -> {}, () -> false))
        .isInstanceOf(Exception.class);
    Path empty = dir.resolve("empty");
    Files.write(empty, new byte[0]);
    assertThat(FileLoader.isCapture(empty)).isFalse();
  }
}
