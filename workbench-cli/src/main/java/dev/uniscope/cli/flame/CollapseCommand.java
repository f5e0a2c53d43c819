package dev.uniscope.cli.flame;

import dev.uniscope.cli.ExitCodes;
import dev.uniscope.flamegraph.model.FrameTable;
import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.model.StackTreeBuilder;
import dev.uniscope.flamegraph.parse.FoldedWriter;
import dev.uniscope.flamegraph.parse.PerfScriptCollapser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code uniscope collapse}: {@code perf script} text to folded stacks, a drop-in for
 * stackcollapse-perf.pl (same lines for the same input).
 */
@Command(
    name = "collapse",
    mixinStandardHelpOptions = true,
    description = "Collapse 'perf script' output into folded stacks (like stackcollapse-perf.pl).")
public final class CollapseCommand implements Callable<Integer> {
  private static final String PREFIX = "uniscope collapse: ";

  @Parameters(
      index = "0",
      arity = "0..1",
      defaultValue = "-",
      paramLabel = "FILE|-",
      description = "perf script output (default: stdin).")
  String input;

  @Mixin PerfOptions perf = new PerfOptions();

  @Option(
      names = "--strict",
      description = "Reject the input at the first unrecognized line instead of skipping it.")
  boolean strict;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write here instead of stdout.")
  Path output;

  @Option(
      names = "--flamechart",
      description = "Keep samples in input (time) order instead of merging and sorting.")
  boolean flameChart;

  @Override
  public Integer call() {
    ProblemPrinter problems = new ProblemPrinter(PREFIX, System.err);
    try (InputStream in = Inputs.open(input)) {
      StackTreeBuilder b = new StackTreeBuilder(new FrameTable(), flameChart);
      new PerfScriptCollapser(perf.toOptions(strict), b, problems).parse(in);
      StackTree tree = b.build();
      problems.finish();
      Outputs.write(output, out -> FoldedWriter.write(tree, out));
      return ExitCodes.OK;
    } catch (IOException e) {
      return problems.fatal(e);
    }
  }
}
