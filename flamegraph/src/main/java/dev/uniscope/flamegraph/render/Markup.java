package dev.uniscope.flamegraph.render;

/**
 * Escaping for SVG/HTML text and attribute values. Frame names come from guests and files, so every
 * name passes through here: markup characters become entities and characters XML forbids (controls,
 * U+FFFE/U+FFFF) become U+FFFD, keeping the document well-formed.
 */
final class Markup {
  private Markup() {}

  static void escape(CharSequence s, StringBuilder out) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xFFFE || c == 0xFFFF) {
            out.append('\uFFFD');
          } else if (Character.isHighSurrogate(c)
              && (i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1)))) {
            out.append('\uFFFD');
          } else if (Character.isLowSurrogate(c)
              && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) {
            out.append('\uFFFD');
          } else {
            out.append(c);
          }
        }
      }
    }
  }

  static String escape(CharSequence s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    escape(s, b);
    return b.toString();
  }
}
