package dev.uniscope.flamegraph.bench;

import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.parse.CollapseOptions;
import dev.uniscope.flamegraph.parse.FoldedParser;
import dev.uniscope.flamegraph.parse.FoldedWriter;
import dev.uniscope.flamegraph.parse.OnMalformed;
import dev.uniscope.flamegraph.parse.PerfScriptCollapser;
import dev.uniscope.flamegraph.render.FlameGraphRenderer;
import dev.uniscope.flamegraph.render.RenderOptions;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The library path of {@code uniscope collapse FILE} and {@code uniscope flamegraph FILE} as one
 * process (without picocli), so the benchmark script can time it exactly like a peer command.
 */
public final class Cli {
  private Cli() {}

  /** Usage: {@code Cli collapse|svg FILE} (output to stdout). */
  public static void main(String[] args) throws IOException {
    OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
    try (InputStream in =
        new BufferedInputStream(Files.newInputStream(Path.of(args[1])), 1 << 16)) {
      if (args[0].equals("collapse")) {
        FoldedWriter.write(
            PerfScriptCollapser.collapse(in, CollapseOptions.defaults(), p -> {}), out);
      } else {
        StackTree t = FoldedParser.parse(in, OnMalformed.SKIP, p -> {});
        FlameGraphRenderer.render(t, RenderOptions.defaults(), FlameGraphRenderer.Format.SVG, out);
      }
    }
    out.flush();
  }
}
