package dev.uniscope.ui.flame;

import dev.uniscope.flamegraph.color.ColorScheme;
import dev.uniscope.flamegraph.color.Palette;
import dev.uniscope.flamegraph.layout.FlameLayout;
import dev.uniscope.flamegraph.layout.FrameRect;
import dev.uniscope.flamegraph.layout.Layout;
import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.ui.console.ConsoleBuffer;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What the flame-graph view shows of one tree: the zoom focus, the search and its matched share,
 * the hover text. No FX types, so it is tested without a display.
 */
public final class FlameModel {
  /** Longest search text taken (a regular expression, or literal text if it does not compile). */
  public static final int MAX_SEARCH = 200;

  private final StackTree tree;
  private final FlameLayout layout;
  private int focus;
  private Pattern search;
  private boolean[] matched;
  private long matchedSamples;

  public FlameModel(StackTree tree) {
    this.tree = tree;
    this.layout = new FlameLayout(tree, ColorScheme.forTree(tree, Palette.HOT, false));
  }

  public StackTree tree() {
    return tree;
  }

  public long totalSamples() {
    return tree.totalSamples();
  }

  /** Rectangles for a canvas {@code widthPx} wide; frames under 1 px are left out. */
  public Layout layout(double widthPx) {
    return layout.layout(focus, Math.max(1, widthPx), 1.0);
  }

  public int focus() {
    return focus;
  }

  /** Zooms on {@code node} (0 = everything). */
  public void zoom(int node) {
    focus = node >= 0 && node < tree.size() ? node : 0;
  }

  public void resetZoom() {
    focus = 0;
  }

  /**
   * Highlights frames whose name matches {@code text} ({@code find}); blank clears the search.
   *
   * @return the matched share of all samples in percent (nested matches counted once), or -1 when
   *     the search is cleared
   */
  public double search(String text) {
    if (text == null || text.isBlank()) {
      search = null;
      matched = null;
      matchedSamples = 0;
      return -1;
    }
    String t = text.length() > MAX_SEARCH ? text.substring(0, MAX_SEARCH) : text;
    try {
      search = Pattern.compile(t);
    } catch (PatternSyntaxException e) {
      search = Pattern.compile(Pattern.quote(t));
    }
    matched = new boolean[tree.size()];
    for (int n = 1; n < tree.size(); n++) {
      matched[n] = search.matcher(tree.name(n)).find();
    }
    matchedSamples = 0;
    for (int n = 1; n < tree.size(); n++) {
      if (matched[n] && !ancestorMatched(n)) {
        matchedSamples += tree.total(n);
      }
    }
    return matchedPct();
  }

  private boolean ancestorMatched(int n) {
    for (int p = tree.parent(n); p > 0; p = tree.parent(p)) {
      if (matched[p]) {
        return true;
      }
    }
    return false;
  }

  public boolean isMatched(int node) {
    return matched != null && node >= 0 && node < matched.length && matched[node];
  }

  public boolean searching() {
    return matched != null;
  }

  public double matchedPct() {
    long all = tree.totalSamples();
    return all == 0 ? 0 : 100.0 * matchedSamples / all;
  }

  /** {@code name (N samples, P%, self S)}, with the name made safe to show. */
  public String describe(FrameRect r) {
    long all = Math.max(1, tree.totalSamples());
    return String.format(
        Locale.ROOT,
        "%s (%,d samples, %.2f%%, self %,d)",
        ConsoleBuffer.sanitize(r.label()),
        r.samples(),
        100.0 * r.samples() / all,
        r.self());
  }
}
