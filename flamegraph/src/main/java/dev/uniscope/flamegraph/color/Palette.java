package dev.uniscope.flamegraph.color;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Frame palettes named like flamegraph.pl's {@code --colors}. Colours are derived from a hash of
 * the name, so a frame keeps its colour across graphs (flamegraph.pl's {@code --hash}).
 */
public enum Palette {
  HOT,
  MEM,
  IO,
  RED,
  GREEN,
  BLUE,
  AQUA,
  YELLOW,
  PURPLE,
  ORANGE,
  /** Java/JIT aware: JIT green, inlined aqua, C++ yellow, kernel orange, rest red. */
  JAVA,
  /** By module: the module part of the name picks the hue (DTrace {@code mod`func}, etc.). */
  MODULE;

  /** Parses a {@code --colors} value. */
  public static Palette parse(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return switch (n) {
      case "module", "bymodule", "by-module", "mod" -> MODULE;
      default -> Palette.valueOf(n.toUpperCase(Locale.ROOT));
    };
  }

  /** Background gradient {top, bottom} as flamegraph.pl picks it for the palette. */
  public int[] background() {
    return switch (this) {
      case MEM -> new int[] {0xeeeeee, 0xe0e0ff};
      case IO, RED, GREEN, BLUE, AQUA, YELLOW, PURPLE, ORANGE, MODULE ->
          new int[] {0xf8f8f8, 0xe8e8e8};
      default -> new int[] {0xeeeeee, 0xeeeeb0};
    };
  }

  /** The colour of a frame as 0xRRGGBB. */
  public int rgb(String name) {
    if (name.equals("--")) {
      return 0xa0a0a0;
    }
    if (name.equals("-")) {
      return 0xc8c8c8;
    }
    double v1 = unit(hash(name, 0x811C9DC5));
    double v2 = unit(hash(name, 0x01000193));
    double v3 = unit(hash(name, 0x5bd1e995));
    return switch (this) {
      case HOT -> rgb(205 + (int) (50 * v3), (int) (230 * v1), (int) (55 * v2));
      case MEM -> rgb(0, 190 + (int) (50 * v2), (int) (210 * v1));
      case IO -> {
        int r = 80 + (int) (60 * v1);
        yield rgb(r, r, 190 + (int) (55 * v2));
      }
      case JAVA -> javaFamily(name).rgb(name);
      case MODULE -> moduleColor(name);
      default -> flat(this, v1);
    };
  }

  private static Palette javaFamily(String name) {
    if (name.endsWith("_[j]")) {
      return GREEN;
    } else if (name.endsWith("_[i]")) {
      return AQUA;
    } else if (name.matches("^L?(java|org|com|io|sun)/.*")) {
      return GREEN;
    } else if (name.contains("::")) {
      return YELLOW;
    } else if (name.endsWith("_[k]")) {
      return ORANGE;
    }
    return RED;
  }

  private static int flat(Palette p, double v) {
    return switch (p) {
      case RED -> {
        int x = 50 + (int) (80 * v);
        yield rgb(200 + (int) (55 * v), x, x);
      }
      case GREEN -> {
        int x = 50 + (int) (60 * v);
        yield rgb(x, 200 + (int) (55 * v), x);
      }
      case BLUE -> {
        int x = 80 + (int) (60 * v);
        yield rgb(x, x, 205 + (int) (50 * v));
      }
      case YELLOW -> {
        int x = 175 + (int) (55 * v);
        yield rgb(x, x, 50 + (int) (20 * v));
      }
      case PURPLE -> {
        int x = 190 + (int) (65 * v);
        yield rgb(x, 80 + (int) (60 * v), x);
      }
      case AQUA -> rgb(50 + (int) (60 * v), 165 + (int) (55 * v), 165 + (int) (55 * v));
      default -> rgb(190 + (int) (65 * v), 90 + (int) (65 * v), 0);
    };
  }

  /**
   * The module of a frame: {@code mod`func} (DTrace), {@code func [mod]} (perf --modname), the
   * {@code _[k]}/{@code _[j]} annotations, {@code [module]} for unknown symbols, or the namespace
   * before the last {@code ::} or {@code .}.
   */
  public static String module(String name) {
    int tick = name.indexOf('`');
    if (tick > 0) {
      return name.substring(0, tick);
    }
    if (name.endsWith("]")) {
      int open = name.lastIndexOf(" [");
      if (open > 0) {
        return name.substring(open + 2, name.length() - 1);
      }
      if (name.startsWith("[")) {
        return name;
      }
    }
    if (name.endsWith("_[k]")) {
      return "kernel";
    }
    if (name.endsWith("_[j]")) {
      return "jit";
    }
    int ns = name.lastIndexOf("::");
    if (ns > 0) {
      return name.substring(0, ns);
    }
    int dot = name.lastIndexOf('.');
    if (dot > 0 && name.indexOf('/') >= 0) {
      return name.substring(0, dot);
    }
    return "";
  }

  private static int moduleColor(String name) {
    String m = module(name);
    double hue = unit(hash(m, 0x811C9DC5));
    double v = unit(hash(name, 0x01000193));
    // Evenly spread hues per module; lightness varies a little per frame.
    return hsl(hue, 0.55, 0.62 + 0.12 * v);
  }

  private static int hsl(double h, double s, double l) {
    double c = (1 - Math.abs(2 * l - 1)) * s;
    double hp = h * 6;
    double x = c * (1 - Math.abs(hp % 2 - 1));
    double r = 0;
    double g = 0;
    double b = 0;
    switch ((int) hp) {
      case 0 -> {
        r = c;
        g = x;
      }
      case 1 -> {
        r = x;
        g = c;
      }
      case 2 -> {
        g = c;
        b = x;
      }
      case 3 -> {
        g = x;
        b = c;
      }
      case 4 -> {
        r = x;
        b = c;
      }
      default -> {
        r = c;
        b = x;
      }
    }
    double m = l - c / 2;
    return rgb((int) ((r + m) * 255), (int) ((g + m) * 255), (int) ((b + m) * 255));
  }

  private static int hash(String s, int seed) {
    int h = seed;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xFF)) * 0x01000193;
    }
    h ^= h >>> 15;
    h *= 0x2c1b3c6d;
    h ^= h >>> 12;
    return h;
  }

  private static double unit(int h) {
    return (h >>> 8) / (double) (1 << 24);
  }

  static int rgb(int r, int g, int b) {
    return (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
