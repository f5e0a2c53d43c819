package dev.uniscope.flamegraph.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.flamegraph.color.Palette;
import dev.uniscope.flamegraph.parse.FoldedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlameChartTest {

  @Test
  void sequentialBuilderKeepsTimeOrderAndMergesOnlyAdjacentSamples() throws IOException {
    StackTreeBuilder b = new StackTreeBuilder(new FrameTable(), true);
    b.add(List.of("main", "b"), 1);
    b.add(List.of("main", "b"), 1);
    b.add(List.of("main", "a"), 1);
    b.add(List.of("main", "b"), 1);
    StackTree t = b.build();
    assertThat(t.sortedByName()).isFalse();
    int main = t.child(0, 0);
    assertThat(t.childCount(0)).isEqualTo(1);
    assertThat(t.childCount(main)).isEqualTo(3);
    assertThat(
            List.of(t.name(t.child(main, 0)), t.name(t.child(main, 1)), t.name(t.child(main, 2))))
        .containsExactly("b", "a", "b");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FoldedWriter.write(t, out);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("main;b 2\nmain;a 1\nmain;b 1\n");
  }

  @Test
  void modulePaletteGroupsFramesByModule() {
    assertThat(Palette.module("libc.so.6`malloc")).isEqualTo("libc.so.6");
    assertThat(Palette.module("schedule_[k]")).isEqualTo("kernel");
    assertThat(Palette.module("v8::internal::Heap::Scavenge")).isEqualTo("v8::internal::Heap");
    assertThat(Palette.module("[libc.so.6]")).isEqualTo("[libc.so.6]");
    assertThat(Palette.module("plain")).isEmpty();
    int a = Palette.MODULE.rgb("libc.so.6`malloc");
    int b = Palette.MODULE.rgb("libc.so.6`free");
    int c = Palette.MODULE.rgb("libm.so.6`sin");
    // Same module: same hue family (close colours); another module: a different hue.
    assertThat(Math.abs(((a >> 16) & 0xff) - ((b >> 16) & 0xff))).isLessThan(60);
    assertThat(a).isNotEqualTo(c);
    assertThat(Palette.HOT.rgb("x")).isEqualTo(Palette.HOT.rgb("x"));
  }
}
