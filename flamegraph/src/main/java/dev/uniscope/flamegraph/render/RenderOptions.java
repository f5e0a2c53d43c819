package dev.uniscope.flamegraph.render;

import dev.uniscope.flamegraph.color.Palette;

/**
 * flamegraph.pl's display options.
 *
 * @param title heading; null = "Flame Graph", "Icicle Graph" or "Flame Chart"
 * @param subtitle second heading line; null or empty for none
 * @param width image width in pixels
 * @param frameHeight height of one frame row
 * @param fontSize base text size
 * @param fontWidth average glyph width relative to the font size (for label truncation)
 * @param fontType font family
 * @param minWidth frames narrower than this are omitted
 * @param minWidthIsPercent {@code minWidth} is a percentage of the total instead of pixels
 * @param countName what the counts are ("samples", "bytes", ...)
 * @param nameType label before a frame's details ("Function:")
 * @param palette frame colours (ignored for differential trees)
 * @param inverted icicle graph: root at the top
 * @param negate swap the differential hues
 * @param flameChart the x order is time, not the alphabet (title default only)
 * @param total width of the graph in samples ({@code --total}); 0 or less than the actual total
 *     means the actual total
 * @param factor multiplies the sample counts shown in the details ({@code --factor})
 * @param notes text embedded in the SVG as a {@code <desc>} ({@code --notes}); null for none
 */
public record RenderOptions(
    String title,
    String subtitle,
    int width,
    int frameHeight,
    double fontSize,
    double fontWidth,
    String fontType,
    double minWidth,
    boolean minWidthIsPercent,
    String countName,
    String nameType,
    Palette palette,
    boolean inverted,
    boolean negate,
    boolean flameChart,
    long total,
    double factor,
    String notes) {

  public RenderOptions {
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("factor must be a positive number: " + factor);
    }
    if (width < 50 || width > 1_000_000) {
      throw new IllegalArgumentException("width must be between 50 and 1000000 pixels: " + width);
    }
    if (frameHeight < 1 || frameHeight > 1000) {
      throw new IllegalArgumentException("frame height must be between 1 and 1000: " + frameHeight);
    }
    if (!(fontSize > 0 && fontSize < 1000) || !(fontWidth > 0 && fontWidth < 10)) {
      throw new IllegalArgumentException("invalid font size or width");
    }
    if (!(minWidth >= 0) || Double.isInfinite(minWidth)) {
      throw new IllegalArgumentException("minwidth must be a non-negative number: " + minWidth);
    }
  }

  public static RenderOptions defaults() {
    return new RenderOptions(
        null,
        null,
        1200,
        16,
        12,
        0.59,
        "Verdana",
        0.1,
        false,
        "samples",
        "Function:",
        Palette.HOT,
        false,
        false,
        false,
        0,
        1.0,
        null);
  }

  /** The title to show. */
  public String effectiveTitle() {
    if (title != null && !title.isEmpty()) {
      return title;
    }
    if (inverted) {
      return "Icicle Graph";
    }
    return flameChart ? "Flame Chart" : "Flame Graph";
  }

  public RenderOptions withTitle(String t) {
    return new RenderOptions(
        t,
        subtitle,
        width,
        frameHeight,
        fontSize,
        fontWidth,
        fontType,
        minWidth,
        minWidthIsPercent,
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

  public RenderOptions withInverted(boolean v) {
    return new RenderOptions(
        title,
        subtitle,
        width,
        frameHeight,
        fontSize,
        fontWidth,
        fontType,
        minWidth,
        minWidthIsPercent,
        countName,
        nameType,
        palette,
        v,
        negate,
        flameChart,
        total,
        factor,
        notes);
  }

  public RenderOptions withMinWidth(double v, boolean percent) {
    return new RenderOptions(
        title,
        subtitle,
        width,
        frameHeight,
        fontSize,
        fontWidth,
        fontType,
        v,
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
}
