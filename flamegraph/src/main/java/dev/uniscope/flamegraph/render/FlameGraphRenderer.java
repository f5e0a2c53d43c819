package dev.uniscope.flamegraph.render;

import dev.uniscope.flamegraph.color.ColorScheme;
import dev.uniscope.flamegraph.layout.FlameLayout;
import dev.uniscope.flamegraph.layout.FrameRect;
import dev.uniscope.flamegraph.layout.Layout;
import dev.uniscope.flamegraph.model.StackTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Writes a stack tree as a self-contained interactive SVG (flamegraph.pl's output: click to zoom,
 * reset, regex search with the matched percentage, hover details) or as an HTML page embedding the
 * same SVG plus a search box. Nothing is loaded from elsewhere.
 */
public final class FlameGraphRenderer {
  /** Output document type. */
  public enum Format {
    SVG,
    HTML
  }

  private static final String SCRIPT = loadScript();
  private static final int XPAD = 10;
  private static final int FRAMEPAD = 1;
  private static final String SEARCH_COLOR = "rgb(230,0,230)";

  private FlameGraphRenderer() {}

  /** Renders to a string (SVG). */
  public static String svg(StackTree tree, RenderOptions o) {
    StringBuilder sb = new StringBuilder();
    try {
      write(tree, o, Format.SVG, sb, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sb.toString();
  }

  /** Renders to a stream as UTF-8. */
  public static void render(StackTree tree, RenderOptions o, Format format, OutputStream out)
      throws IOException {
    Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(1 << 16);
    write(tree, o, format, sb, w);
    w.write(sb.toString());
    w.flush();
  }

  private static void write(
      StackTree tree, RenderOptions o, Format format, StringBuilder sb, Writer sink)
      throws IOException {
    boolean html = format == Format.HTML;
    int width = o.width();
    double usable = width - 2.0 * XPAD;
    double minPx = o.minWidthIsPercent() ? usable * o.minWidth() / 100.0 : o.minWidth();
    ColorScheme colors = ColorScheme.forTree(tree, o.palette(), o.negate());
    // --total: a larger total than the actual one shrinks the graph (flamegraph.pl's timemax).
    long actual = tree.totalSamples();
    long timeMax = o.total() > actual ? o.total() : actual;
    double graphWidth = timeMax > 0 ? usable * ((double) actual / timeMax) : usable;
    Layout layout = new FlameLayout(tree, colors).layout(0, graphWidth, minPx);
    double fs = o.fontSize();
    double ypad1 = fs * 3;
    double ypad2 = fs * 2 + 10;
    boolean hasSubtitle = o.subtitle() != null && !o.subtitle().isEmpty();
    double ypad3 = hasSubtitle ? fs * 2 : 0;
    int fh = o.frameHeight();
    boolean empty = tree.totalSamples() == 0;
    int height =
        empty
            ? (int) (fs * 5)
            : (int) Math.ceil((layout.maxDepth() + 1) * fh + ypad1 + ypad2 + ypad3);
    String title = o.effectiveTitle();

    if (html) {
      sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
      Markup.escape(title, sb);
      sb.append(
          "</title>\n<style>body{margin:0;background:#fff}"
              + "form{font:13px sans-serif;margin:6px 10px}</style>\n</head>\n<body>\n"
              + "<form id=\"searchform\"><input id=\"q\" size=\"40\""
              + " placeholder=\"regular expression\"> <button type=\"submit\">Search</button>"
              + " <button type=\"button\" id=\"qreset\">Reset</button></form>\n");
    } else {
      sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
    }
    sb.append("<svg version=\"1.1\" id=\"flamegraph\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("\" xmlns=\"http://www.w3.org/2000/svg\"");
    if (!html) {
      sb.append(" onload=\"init()\"");
    }
    sb.append(" data-nametype=\"");
    Markup.escape(o.nameType(), sb);
    sb.append("\" data-fontsize=\"")
        .append(fs)
        .append("\" data-fontwidth=\"")
        .append(o.fontWidth())
        .append("\" data-xpad=\"")
        .append(XPAD)
        .append("\" data-width=\"")
        .append(width)
        .append("\" data-inverted=\"")
        .append(o.inverted() ? 1 : 0)
        .append("\" data-searchcolor=\"")
        .append(SEARCH_COLOR)
        .append("\">\n");
    int[] bg = o.palette().background();
    sb.append("<defs><linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">")
        .append("<stop stop-color=\"")
        .append(hex(bg[0]))
        .append("\" offset=\"5%\"/><stop stop-color=\"")
        .append(hex(bg[1]))
        .append("\" offset=\"95%\"/></linearGradient></defs>\n")
        .append("<style type=\"text/css\">.f:hover{stroke:black;stroke-width:0.5;cursor:pointer}")
        .append("</style>\n");
    if (o.notes() != null && !o.notes().isEmpty()) {
      sb.append("<desc id=\"notes\">");
      Markup.escape(o.notes(), sb);
      sb.append("</desc>\n");
    }
    if (!html) {
      sb.append("<script type=\"text/ecmascript\"><![CDATA[\n")
          .append(SCRIPT)
          .append("]]></script>\n");
    }
    sb.append("<rect x=\"0\" y=\"0\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" fill=\"url(#background)\"/>\n");
    sb.append("<g font-family=\"");
    Markup.escape(o.fontType(), sb);
    sb.append("\" font-size=\"").append(fs).append("\">\n");
    text(sb, fs + 5, width / 2.0, fs * 2, "middle", "title", title, null);
    if (empty) {
      text(sb, fs + 2, width / 2.0, fs * 4, "middle", "error", "ERROR: No valid input.", null);
    }
    if (hasSubtitle) {
      text(sb, fs, width / 2.0, fs * 4, "middle", "subtitle", o.subtitle(), null);
    }
    text(sb, fs, XPAD, height - ypad2 / 2, null, "details", " ", null);
    text(sb, fs, XPAD, fs * 2, null, "unzoom", "Reset Zoom", "opacity:0.0;cursor:pointer");
    text(
        sb, fs, width - XPAD - 100, fs * 2, null, "search", "Search", "opacity:0.1;cursor:pointer");
    text(sb, fs, width - XPAD - 100, height - ypad2 / 2, null, "matched", " ", null);
    sb.append("</g>\n<g id=\"frames\" font-family=\"");
    Markup.escape(o.fontType(), sb);
    sb.append("\" font-size=\"").append(fs).append("\">\n");
    if (!empty) {
      double charWidth = fs * o.fontWidth();
      for (FrameRect r : layout.rects()) {
        double y1;
        double y2;
        if (o.inverted()) {
          y1 = ypad1 + ypad3 + r.depth() * fh;
          y2 = ypad1 + ypad3 + (r.depth() + 1) * fh - FRAMEPAD;
        } else {
          y1 = height - ypad2 - (r.depth() + 1) * fh + FRAMEPAD;
          y2 = height - ypad2 - r.depth() * fh;
        }
        double x = XPAD + r.x();
        // The root always spans the whole width, as in flamegraph.pl.
        double w = r.node() == 0 ? usable : r.width();
        sb.append("<g class=\"f\"><title>");
        info(sb, tree, r, timeMax, o);
        sb.append("</title><rect x=\"");
        fixed(sb, x, 10);
        sb.append("\" y=\"");
        fixed(sb, y1, 10);
        sb.append("\" width=\"");
        fixed(sb, w, 100);
        sb.append("\" height=\"");
        fixed(sb, y2 - y1, 10);
        int c = r.colorKey();
        sb.append("\" fill=\"rgb(")
            .append((c >> 16) & 0xFF)
            .append(',')
            .append((c >> 8) & 0xFF)
            .append(',')
            .append(c & 0xFF)
            .append(")\" rx=\"2\" ry=\"2\"/><text x=\"");
        fixed(sb, x + 3, 100);
        sb.append("\" y=\"");
        fixed(sb, 3 + (y1 + y2) / 2, 10);
        sb.append("\">");
        label(sb, r.label(), (int) Math.floor((w - 3) / charWidth));
        sb.append("</text></g>\n");
        if (sink != null && sb.length() > (1 << 20)) {
          sink.write(sb.toString());
          sb.setLength(0);
        }
      }
    }
    sb.append("</g>\n</svg>\n");
    if (html) {
      sb.append("<script>\n")
          .append(SCRIPT)
          .append(
              "\ninit();\ndocument.getElementById(\"searchform\").addEventListener(\"submit\","
                  + " function (e) { e.preventDefault(); var q ="
                  + " document.getElementById(\"q\").value; if (q) search(q); });\n"
                  + "document.getElementById(\"qreset\").addEventListener(\"click\","
                  + " function () { resetSearch(); });\n</script>\n</body>\n</html>\n");
    }
  }

  private static void info(
      StringBuilder sb, StackTree tree, FrameRect r, long total, RenderOptions o) {
    if (r.node() == 0) {
      sb.append("all (");
      grouped(sb, scaled(r.samples(), o));
      sb.append(' ');
      Markup.escape(o.countName(), sb);
      sb.append(", 100%)");
      return;
    }
    Markup.escape(stripAnnotation(r.label()), sb);
    sb.append(" (");
    grouped(sb, scaled(r.samples(), o));
    sb.append(' ');
    Markup.escape(o.countName(), sb);
    sb.append(", ");
    fixed(sb, total == 0 ? 0 : 100.0 * r.samples() / total, 100);
    sb.append("%, self ");
    grouped(sb, scaled(r.self(), o));
    if (tree.isDifferential()) {
      long d = tree.self(r.node()) - tree.baselineSelf(r.node());
      if (o.negate()) {
        d = -d;
      }
      double pct = total == 0 ? 0 : 100.0 * d / total;
      sb.append("; ");
      if (d > 0) {
        sb.append('+');
      }
      fixed(sb, pct, 100);
      sb.append('%');
    }
    sb.append(')');
  }

  /** Counts as shown: multiplied by {@code --factor}. */
  private static long scaled(long samples, RenderOptions o) {
    return o.factor() == 1.0 ? samples : Math.round(samples * o.factor());
  }

  private static String stripAnnotation(String name) {
    int n = name.length();
    if (n >= 4
        && name.charAt(n - 1) == ']'
        && name.charAt(n - 4) == '_'
        && name.charAt(n - 3) == '['
        && "kwij".indexOf(name.charAt(n - 2)) >= 0) {
      return name.substring(0, n - 4);
    }
    return name;
  }

  private static void label(StringBuilder sb, String name, int chars) {
    if (chars < 3) {
      return;
    }
    String n = stripAnnotation(name);
    if (n.length() <= chars) {
      Markup.escape(n, sb);
    } else {
      int cut = chars - 2;
      if (Character.isHighSurrogate(n.charAt(cut - 1))) {
        cut--;
      }
      Markup.escape(n.subSequence(0, cut), sb);
      sb.append("..");
    }
  }

  private static void text(
      StringBuilder sb,
      double size,
      double x,
      double y,
      String anchor,
      String id,
      String content,
      String style) {
    sb.append("<text id=\"").append(id).append("\" x=\"");
    fixed(sb, x, 100);
    sb.append("\" y=\"");
    fixed(sb, y, 100);
    sb.append("\" font-size=\"").append(size).append('"');
    if (anchor != null) {
      sb.append(" text-anchor=\"").append(anchor).append('"');
    }
    if (style != null) {
      sb.append(" style=\"").append(style).append('"');
    }
    sb.append('>');
    Markup.escape(content, sb);
    sb.append("</text>\n");
  }

  /** Appends {@code v} with 1 or 2 decimals ({@code scale} 10 or 100) without String.format. */
  static void fixed(StringBuilder sb, double v, int scale) {
    long r = Math.round(v * scale);
    if (r < 0) {
      sb.append('-');
      r = -r;
    }
    sb.append(r / scale).append('.');
    long frac = r % scale;
    if (scale == 100 && frac < 10) {
      sb.append('0');
    }
    sb.append(frac);
  }

  /** Appends a count with thousands separators, as flamegraph.pl does. */
  static void grouped(StringBuilder sb, long v) {
    String s = Long.toString(v);
    int start = s.startsWith("-") ? 1 : 0;
    sb.append(s, 0, start);
    int digits = s.length() - start;
    for (int i = 0; i < digits; i++) {
      if (i > 0 && (digits - i) % 3 == 0) {
        sb.append(',');
      }
      sb.append(s.charAt(start + i));
    }
  }

  private static String hex(int rgb) {
    return String.format("#%06x", rgb);
  }

  private static String loadScript() {
    try (InputStream in = FlameGraphRenderer.class.getResourceAsStream("flamegraph.js")) {
      if (in == null) {
        throw new IllegalStateException("flamegraph.js missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
