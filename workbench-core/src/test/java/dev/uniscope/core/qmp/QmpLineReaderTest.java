package dev.uniscope.core.qmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class QmpLineReaderTest {
  /** Returns at most {@code chunk} bytes per read, as a socket may. */
  static InputStream chunked(byte[] data, int chunk) {
    return new ByteArrayInputStream(data) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, chunk));
      }
    };
  }

  @Property
  void linesSurviveAnyChunking(
      @ForAll @Size(max = 20) List<@StringLength(max = 300) String> raw,
      @ForAll @IntRange(min = 1, max = 64) int chunk)
      throws Exception {
    List<String> lines = raw.stream().map(s -> s.replace("\n", "").replace("\r", "")).toList();
    String text = String.join("\n", lines) + (lines.isEmpty() ? "" : "\n");
    QmpLineReader r = new QmpLineReader(chunked(text.getBytes(StandardCharsets.UTF_8), chunk));
    List<String> got = new ArrayList<>();
    String l;
    while ((l = r.readLine()) != null) {
      got.add(l);
    }
    assertThat(got).isEqualTo(lines.isEmpty() ? List.of() : lines);
  }

  @Test
  void anEndlessLineIsRefusedNotBuffered() {
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            return 'x';
          }

          @Override
          public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) 'x');
            return len;
          }
        };
    assertThatThrownBy(() -> new QmpLineReader(endless).readLine())
        .isInstanceOf(QmpException.class)
        .hasMessageContaining("exceeds");
  }

  @Test
  void crlfIsStripped() throws Exception {
    QmpLineReader r =
        new QmpLineReader(
            new ByteArrayInputStream("{}\r\n{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
    assertThat(r.readLine()).isEqualTo("{}");
    assertThat(r.readLine()).isEqualTo("{\"a\":1}");
    assertThat(r.readLine()).isNull();
  }
}
