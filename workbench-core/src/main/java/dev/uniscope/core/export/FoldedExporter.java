package dev.uniscope.core.export;

import dev.uniscope.core.analysis.timeline.FunctionNames;
import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.model.StackTreeBuilder;
import dev.uniscope.flamegraph.parse.FoldedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Folded stacks ({@code root;...;leaf count}) through the flamegraph module's tree and writer, so
 * the output is byte-identical to what {@code uniscope collapse} writes: sorted byte-wise, one line
 * per distinct stack. The root frame is the thread name, as stackcollapse-perf.pl puts the command
 * name first; {@code ;} in names becomes {@code :} as it does there.
 */
public final class FoldedExporter {
  private FoldedExporter() {}

  public static StackTree tree(StackSamples samples, FunctionNames functions, boolean idle) {
    StackTreeBuilder b = new StackTreeBuilder();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      if (samples.idle(i) && !idle) {
        continue;
      }
      long[] stack = samples.stackView(samples.stackId(i));
      names.clear();
      names.add(frame(samples.threadName(samples.tid(i))));
      for (int k = stack.length - 1; k >= 0; k--) {
        names.add(frame(functions.nameOrHex(stack[k])));
      }
      b.add(names, 1);
    }
    return b.build();
  }

  /**
   * @param idle include samples taken while the CPU idled
   */
  public static void write(
      StackSamples samples, FunctionNames functions, boolean idle, OutputStream out)
      throws IOException {
    FoldedWriter.write(tree(samples, functions, idle), out);
  }

  private static String frame(String name) {
    String n = name.replace(';', ':').replace('\n', ' ').replace('\r', ' ');
    return n.isEmpty() ? "[unknown]" : n;
  }
}
