package dev.uniscope.core.symbols;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Test binaries compiled on demand from {@code src/test/resources/symbols}, once per JVM. */
final class Fixtures {
  /** A way of building the fixture program. */
  enum Variant {
    DWARF5_PIE("-g", "-O1", "-gdwarf-5"),
    DWARF4_PIE("-g", "-O1", "-gdwarf-4"),
    DWARF4_NO_PIE("-g", "-O1", "-gdwarf-4", "-no-pie"),
    STATIC_PIE("-g", "-O1", "-fpie", "-static-pie"),
    /** Exports every function, so a stripped copy still names them through .dynsym. */
    DYNAMIC_EXPORTS("-g", "-O1", "-rdynamic"),
    /** Discarded functions leave line sequences at address 0, as in a kernel link. */
    GC_SECTIONS_O2("-g", "-O2", "-ffunction-sections", "-Wl,--gc-sections");

    final List<String> flags;

    Variant(String... flags) {
      this.flags = List.of(flags);
    }
  }

  private static final List<String> SOURCES = List.of("main.c", "util.c", "bare.S", "shapes.h");
  private static final Map<Variant, Path> BUILT = new ConcurrentHashMap<>();
  private static volatile Path sourceDir;

  private Fixtures() {}

  static synchronized Path binary(Variant v) {
    return BUILT.computeIfAbsent(
        v,
        k -> {
          try {
            Path dir = sources();
            Path out = dir.resolve("prog-" + k.name().toLowerCase(java.util.Locale.ROOT));
            List<Path> inputs = new ArrayList<>();
            for (String s : SOURCES) {
              if (!s.endsWith(".h")) {
                inputs.add(dir.resolve(s));
              }
            }
            PeerTools.gcc(k.flags, inputs, out);
            return out;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** Sources copied to a temp dir, so the binaries carry absolute paths in a known place. */
  private static Path sources() throws IOException {
    if (sourceDir == null) {
      Path dir = Files.createTempDirectory("uniscope-symbols");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      for (String s : SOURCES) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/symbols/" + s)) {
          if (in == null) {
            throw new IOException("missing test resource /symbols/" + s);
          }
          Files.copy(in, dir.resolve(s), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      sourceDir = dir;
    }
    return sourceDir;
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // Best effort: a leftover temp dir is harmless.
    }
  }

  /** The repository root: {@code uniscope.root} from surefire, else up from the working dir. */
  static Path repoRoot() {
    String prop = System.getProperty("uniscope.root");
    if (prop != null && Files.isDirectory(Path.of(prop, "kernel"))) {
      return Path.of(prop);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("kernel")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    return Path.of("").toAbsolutePath();
  }
}
