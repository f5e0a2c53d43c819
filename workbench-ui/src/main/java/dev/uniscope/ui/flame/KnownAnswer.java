package dev.uniscope.ui.flame;

import dev.uniscope.flamegraph.model.StackTree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ground-truth app's expected profile from its console line ({@code spin: known-answer burn_a=50
 * burn_b=30 burn_c=20}, docs/app-api.md) next to the shares the flame graph measured, so the view
 * shows at a glance whether the profile agrees with what the app knows it did.
 *
 * @param app the app that printed the line
 * @param functions expected percent per function, in the line's order
 */
public record KnownAnswer(String app, Map<String, Integer> functions) {
  private static final Pattern LINE =
      Pattern.compile("^(spin): known-answer((?: \\w{1,64}=\\d{1,3}){1,8})$");
  private static final Pattern PAIR = Pattern.compile("(\\w{1,64})=(\\d{1,3})");

  /** One function: expected and measured share of the listed functions' samples. */
  public record Row(String function, int expectedPct, double measuredPct, long samples) {}

  /** The known answer in {@code line}, if it is one this view understands. */
  public static KnownAnswer parse(String line) {
    Matcher m = LINE.matcher(line == null ? "" : line);
    if (!m.matches()) {
      return null;
    }
    Map<String, Integer> f = new LinkedHashMap<>();
    Matcher p = PAIR.matcher(m.group(2));
    while (p.find()) {
      f.put(p.group(1), Integer.parseInt(p.group(2)));
    }
    return new KnownAnswer(m.group(1), java.util.Collections.unmodifiableMap(f));
  }

  /**
   * Samples per listed function (a frame counts when its name is the function or a compiler clone
   * of it, {@code name.constprop.0}), as shares of their sum.
   */
  public List<Row> measure(StackTree tree) {
    Map<String, Long> samples = new LinkedHashMap<>();
    functions.keySet().forEach(k -> samples.put(k, 0L));
    for (int n = 1; n < tree.size(); n++) {
      String name = tree.name(n);
      int dot = name.indexOf('.');
      String base = dot > 0 ? name.substring(0, dot) : name;
      if (samples.containsKey(base) && !hasAncestorNamed(tree, n, base)) {
        samples.merge(base, tree.total(n), Long::sum);
      }
    }
    long all = samples.values().stream().mapToLong(Long::longValue).sum();
    List<Row> rows = new ArrayList<>();
    functions.forEach(
        (fn, pct) -> {
          long s = samples.get(fn);
          rows.add(new Row(fn, pct, all == 0 ? 0 : 100.0 * s / all, s));
        });
    return rows;
  }

  /** {@code spin known answer: burn_a 50% (profile 49.8%), ...}. */
  public String describe(StackTree tree) {
    StringBuilder b = new StringBuilder(app).append(" known answer:");
    for (Row r : measure(tree)) {
      b.append(
          String.format(
              Locale.ROOT,
              " %s %d%% (profile %.1f%%)",
              r.function(),
              r.expectedPct(),
              r.measuredPct()));
    }
    return b.toString();
  }

  private static boolean hasAncestorNamed(StackTree tree, int n, String base) {
    for (int p = tree.parent(n); p > 0; p = tree.parent(p)) {
      if (tree.name(p).equals(base) || tree.name(p).startsWith(base + ".")) {
        return true;
      }
    }
    return false;
  }
}
