package dev.uniscope.cli.flame;

import dev.uniscope.cli.ExitCodes;
import dev.uniscope.flamegraph.color.Palette;
import dev.uniscope.flamegraph.diff.Differential;
import dev.uniscope.flamegraph.model.FrameTable;
import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.model.StackTreeBuilder;
import dev.uniscope.flamegraph.parse.FoldedParser;
import dev.uniscope.flamegraph.parse.InputFormat;
import dev.uniscope.flamegraph.parse.OnMalformed;
import dev.uniscope.flamegraph.parse.PerfScriptCollapser;
import dev.uniscope.flamegraph.render.FlameGraphRenderer;
import dev.uniscope.flamegraph.render.RenderOptions;
import dev.uniscope.flamegraph.transform.StackTransform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code uniscope flamegraph}: folded stacks or {@code perf script} text to an interactive SVG or
 * HTML flame graph; a drop-in for flamegraph.pl where the options overlap.
 */
@Command(
    name = "flamegraph",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Render folded stacks or 'perf script' output as an interactive flame graph (like"
          + " flamegraph.pl).",
      "A folded line may carry two counts (before after) for a differential graph."
    })
public final class FlameGraphCommand implements Callable<Integer> {
  private static final String PREFIX = "uniscope flamegraph: ";

  @Parameters(
      index = "0",
      arity = "0..1",
      defaultValue = "-",
      paramLabel = "FILE|-",
      description = "Folded stacks or perf script output (default: stdin).")
  String input;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write here instead of stdout (.html selects HTML).")
  Path output;

  @Option(
      names = "--format",
      paramLabel = "svg|html",
      description = "Output format (default: svg, or html for a .html output file).")
  String format;

  @Option(
      names = "--input-format",
      paramLabel = "auto|folded|perf",
      defaultValue = "auto",
      description = "Input format (default: ${DEFAULT-VALUE}, sniffed from the first lines).")
  String inputFormat;

  @Option(
      names = "--diff",
      paramLabel = "BASELINE",
      description =
          "Differential graph against this earlier profile: widths from FILE, red = grew,"
              + " blue = shrank.")
  String diff;

  @Option(names = "--normalize", description = "Scale BASELINE to FILE's total first (--diff).")
  boolean normalize;

  @Option(names = "--negate", description = "Switch differential hues (blue<->red).")
  boolean negate;

  @Option(names = "--title", paramLabel = "TEXT", description = "Change the title text.")
  String title;

  @Option(names = "--subtitle", paramLabel = "TEXT", description = "Second level title.")
  String subtitle;

  @Option(
      names = "--width",
      defaultValue = "1200",
      paramLabel = "N",
      description = "Image width (default 1200).")
  int width;

  @Option(
      names = "--height",
      defaultValue = "16",
      paramLabel = "N",
      description = "Height of each frame (default 16).")
  int height;

  @Option(
      names = "--minwidth",
      defaultValue = "0.1",
      paramLabel = "NUM[%]",
      description = "Omit frames narrower than this, in pixels or %% of the total (default 0.1).")
  String minWidth;

  @Option(
      names = "--fonttype",
      defaultValue = "Verdana",
      paramLabel = "FONT",
      description = "Font type (default Verdana).")
  String fontType;

  @Option(
      names = "--fontsize",
      defaultValue = "12",
      paramLabel = "N",
      description = "Font size (default 12).")
  double fontSize;

  @Option(
      names = "--fontwidth",
      defaultValue = "0.59",
      paramLabel = "N",
      description = "Average glyph width relative to the font size (default 0.59).")
  double fontWidth;

  @Option(
      names = "--countname",
      defaultValue = "samples",
      paramLabel = "TEXT",
      description = "Count type label (default samples).")
  String countName;

  @Option(
      names = "--nametype",
      defaultValue = "Function:",
      paramLabel = "TEXT",
      description = "Name type label (default Function:).")
  String nameType;

  @Option(
      names = "--colors",
      defaultValue = "hot",
      paramLabel = "PALETTE",
      description =
          "hot (default), mem, io, java, module, red, green, blue, aqua, yellow, purple, orange.")
  String colors;

  @Option(
      names = "--total",
      defaultValue = "0",
      paramLabel = "N",
      description = "Width of the graph in samples, when larger than the actual total.")
  long total;

  @Option(
      names = "--factor",
      defaultValue = "1",
      paramLabel = "F",
      description = "Multiply the counts shown by F (e.g. sample period to time).")
  double factor;

  @Option(names = "--notes", paramLabel = "TEXT", description = "Notes embedded in the SVG.")
  String notes;

  @Option(names = "--hash", description = "Accepted for compatibility: colours are always hashed.")
  boolean hash;

  @Option(
      names = "--cp",
      description = "Accepted for compatibility: hashed colours are already consistent.")
  boolean consistentPalette;

  @Option(names = "--reverse", description = "Stack-reversed (bottom-up) flame graph.")
  boolean reverse;

  @Option(names = "--inverted", description = "Icicle graph (root at the top).")
  boolean inverted;

  @Option(
      names = "--flamechart",
      description = "Flame chart: keep input (time) order instead of sorting frames.")
  boolean flameChart;

  @Option(
      names = "--include",
      paramLabel = "REGEX",
      description = "Keep only stacks with a frame matching REGEX.")
  String include;

  @Option(
      names = "--exclude",
      paramLabel = "REGEX",
      description = "Drop stacks with a frame matching REGEX.")
  String exclude;

  @Option(
      names = "--focus",
      paramLabel = "REGEX",
      description = "Re-root every stack at its first frame matching REGEX (others dropped).")
  String focus;

  @Option(
      names = "--elide",
      paramLabel = "REGEX",
      description = "Remove frames matching REGEX, joining their callees to their callers.")
  String elide;

  @Option(names = "--collapse-recursion", description = "Merge direct recursion into one frame.")
  boolean collapseRecursion;

  @Option(
      names = "--strict",
      description = "Reject the input at the first malformed line instead of skipping it.")
  boolean strict;

  @Mixin PerfOptions perf = new PerfOptions();

  @Override
  public Integer call() {
    ProblemPrinter problems = new ProblemPrinter(PREFIX, System.err);
    try {
      RenderOptions options = renderOptions();
      List<StackTransform> transforms = transforms();
      StackTree tree = load(input, problems);
      if (diff != null) {
        StackTree before = load(diff, problems);
        tree = Differential.compare(before, tree, normalize);
      }
      if (reverse) {
        tree = new StackTransform.Invert().apply(tree);
      }
      for (StackTransform t : transforms) {
        tree = t.apply(tree);
      }
      problems.finish();
      if (total > 0 && total < tree.totalSamples()) {
        System.err.println(
            PREFIX
                + "Specified --total "
                + total
                + " is less than actual total "
                + tree.totalSamples()
                + ", so ignored");
      }
      FlameGraphRenderer.Format f = outputFormat();
      StackTree rendered = tree;
      Outputs.write(output, out -> FlameGraphRenderer.render(rendered, options, f, out));
      if (tree.totalSamples() == 0) {
        System.err.println(PREFIX + "ERROR: No stack counts found");
        return ExitCodes.USAGE;
      }
      return ExitCodes.OK;
    } catch (IllegalArgumentException e) {
      System.err.println(PREFIX + e.getMessage());
      return ExitCodes.USAGE;
    } catch (IOException e) {
      return problems.fatal(e);
    }
  }

  private StackTree load(String name, ProblemPrinter problems) throws IOException {
    OnMalformed policy = strict ? OnMalformed.REJECT : OnMalformed.SKIP;
    try (InputStream in = Inputs.open(name)) {
      InputFormat fmt =
          switch (inputFormat.toLowerCase(Locale.ROOT)) {
            case "auto" -> Inputs.sniff(in);
            case "folded" -> InputFormat.FOLDED;
            case "perf", "perf-script" -> InputFormat.PERF_SCRIPT;
            default ->
                throw new IllegalArgumentException(
                    "--input-format must be auto, folded or perf: " + inputFormat);
          };
      StackTreeBuilder b = new StackTreeBuilder(new FrameTable(), flameChart);
      if (fmt == InputFormat.PERF_SCRIPT) {
        new PerfScriptCollapser(perf.toOptions(strict), b, problems).parse(in);
      } else {
        FoldedParser p = new FoldedParser(b, false, policy, problems);
        p.parse(in);
        if (p.ignoredLines() > 0) {
          System.err.println(PREFIX + "Ignored " + p.ignoredLines() + " lines with invalid format");
        }
      }
      return b.build();
    }
  }

  private List<StackTransform> transforms() {
    List<StackTransform> list = new ArrayList<>();
    if (elide != null) {
      list.add(new StackTransform.Elide(regex("--elide", elide)));
    }
    if (include != null) {
      list.add(new StackTransform.Include(regex("--include", include)));
    }
    if (exclude != null) {
      list.add(new StackTransform.Exclude(regex("--exclude", exclude)));
    }
    if (focus != null) {
      list.add(new StackTransform.Focus(regex("--focus", focus)));
    }
    if (collapseRecursion) {
      list.add(new StackTransform.CollapseRecursion());
    }
    return list;
  }

  private static Pattern regex(String option, String value) {
    try {
      return Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(option + ": invalid regular expression: " + value, e);
    }
  }

  private RenderOptions renderOptions() {
    String mw = minWidth.trim();
    boolean percent = mw.endsWith("%");
    double mwValue;
    try {
      mwValue = Double.parseDouble(percent ? mw.substring(0, mw.length() - 1) : mw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--minwidth must be a number or a percentage: " + mw, e);
    }
    Palette palette;
    try {
      palette = Palette.parse(colors);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--colors: unknown palette: " + colors, e);
    }
    return new RenderOptions(
        title,
        subtitle,
        width,
        height,
        fontSize,
        fontWidth,
        fontType,
        mwValue,
        percent,
        countName,
        nameType,
        palette,
        inverted,
        negate,
        flameChart,
        total,
        factor,
        notes);
  }

  private FlameGraphRenderer.Format outputFormat() {
    if (format != null) {
      return switch (format.toLowerCase(Locale.ROOT)) {
        case "svg" -> FlameGraphRenderer.Format.SVG;
        case "html" -> FlameGraphRenderer.Format.HTML;
        default -> throw new IllegalArgumentException("--format must be svg or html: " + format);
      };
    }
    if (output != null && output.toString().toLowerCase(Locale.ROOT).endsWith(".html")) {
      return FlameGraphRenderer.Format.HTML;
    }
    return FlameGraphRenderer.Format.SVG;
  }
}
