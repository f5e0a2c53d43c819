package dev.uniscope.flamegraph.color;

/**
 * flamegraph.pl's differential scale: white for no change, red for growth, blue for shrinkage,
 * saturation proportional to {@code |delta| / maxDelta}; {@code negate} swaps the hues.
 */
public final class DiffColor {
  private DiffColor() {}

  public static int rgb(long delta, long maxDelta, boolean negate) {
    double d = negate ? -(double) delta : (double) delta;
    double max = Math.max(1, maxDelta);
    int r = 255;
    int g = 255;
    int b = 255;
    if (d > 0) {
      g = b = (int) (210 * (max - Math.min(d, max)) / max);
    } else if (d < 0) {
      r = g = (int) (210 * (max + Math.max(d, -max)) / max);
    }
    return Palette.rgb(r, g, b);
  }
}
