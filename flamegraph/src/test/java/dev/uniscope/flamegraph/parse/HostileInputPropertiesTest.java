package dev.uniscope.flamegraph.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.flamegraph.model.StackTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random and hostile text never crashes the parsers; every bad line is reported. */
class HostileInputPropertiesTest {

  @Provide
  Arbitrary<String> lines() {
    Arbitrary<String> token =
        Arbitraries.of(
            "app",
            " ",
            "\t",
            "1200",
            "/",
            "1201",
            "[000]",
            "1.5:",
            "250000",
            "cpu-clock:",
            ":",
            "\n",
            "\n\n",
            "(",
            ")",
            " (",
            "[unknown]",
            "+0x1f",
            "->",
            ";",
            "\"",
            "'",
            "java",
            "L",
            "ffff81",
            "99999999999999999999999",
            "\r",
            "#",
            "\u00e9",
            "\u0000");
    return token.list().ofMaxSize(80).map(l -> String.join("", l));
  }

  @Property(tries = 2000)
  void collapserNeverThrowsOnArbitraryText(@ForAll("lines") String text) throws IOException {
    long[] problems = {0};
    StackTree t =
        PerfScriptCollapser.collapse(
            new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
            CollapseOptions.defaults().withKernel(true).withJit(true).withAddrs(true),
            p -> problems[0]++);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FoldedWriter.write(t, out);
    assertThat(t.totalSamples()).isGreaterThanOrEqualTo(0);
  }

  @Property(tries = 2000)
  void foldedParserNeverThrowsAndCountsAreNonNegative(@ForAll("lines") String text)
      throws IOException {
    StackTree t =
        FoldedParser.parse(
            new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
            OnMalformed.SKIP,
            p -> assertThat(p.line()).isPositive());
    for (int n = 0; n < t.size(); n++) {
      assertThat(t.total(n)).isGreaterThanOrEqualTo(0);
    }
  }

  @Property(tries = 500)
  void arbitraryBytesAreHandled(@ForAll List<Byte> bytes) throws IOException {
    byte[] b = new byte[bytes.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = bytes.get(i);
    }
    PerfScriptCollapser.collapse(new ByteArrayInputStream(b), CollapseOptions.defaults(), p -> {});
    FoldedParser.parse(new ByteArrayInputStream(b), OnMalformed.SKIP, p -> {});
  }
}
