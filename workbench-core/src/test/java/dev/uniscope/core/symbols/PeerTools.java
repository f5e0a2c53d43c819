package dev.uniscope.core.symbols;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The host toolchain as ground truth: gcc builds fixtures, nm and addr2line answer for them. */
final class PeerTools {
  private PeerTools() {}

  /** One line of {@code nm -S --defined-only}: size is -1 when nm prints none. */
  record NmSymbol(long address, long size, char type, String name) {
    boolean isCode() {
      return "TtWwi".indexOf(type) >= 0;
    }
  }

  private static Boolean available;

  /** Whether the tools run; asked once per JVM. */
  static synchronized boolean available() {
    if (available == null) {
      available = true;
      for (String tool : List.of("gcc", "nm", "addr2line", "readelf", "strip")) {
        try {
          run(List.of(tool, "--version"), null);
        } catch (IOException e) {
          available = false;
        }
      }
    }
    return available;
  }

  static void gcc(List<String> flags, List<Path> sources, Path output) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("gcc"));
    cmd.addAll(flags);
    cmd.add("-o");
    cmd.add(output.toString());
    sources.forEach(s -> cmd.add(s.toString()));
    run(cmd, null);
  }

  static List<NmSymbol> nm(Path elf) throws IOException {
    return nm(elf, false);
  }

  /** {@code nm -S --defined-only}, or with {@code -D} the dynamic symbol table. */
  static List<NmSymbol> nm(Path elf, boolean dynamic) throws IOException {
    List<NmSymbol> out = new ArrayList<>();
    List<String> cmd = new ArrayList<>(List.of("nm", "-S", "--defined-only"));
    if (dynamic) {
      cmd.add("-D");
    }
    cmd.add(elf.toString());
    for (String line : run(cmd, null)) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 4) {
        out.add(
            new NmSymbol(
                Long.parseUnsignedLong(f[0], 16), Long.parseLong(f[1], 16), f[2].charAt(0), f[3]));
      } else if (f.length == 3) {
        out.add(new NmSymbol(Long.parseUnsignedLong(f[0], 16), -1, f[1].charAt(0), f[2]));
      }
    }
    return out;
  }

  /**
   * {@code file:line} for each address as addr2line prints it, the discriminator suffix removed;
   * null where addr2line has no line ({@code ??:0}, {@code ??:?}, {@code file.o:?}).
   */
  static List<String> addr2line(Path elf, long[] addresses) throws IOException {
    StringBuilder input = new StringBuilder();
    for (long a : addresses) {
      input.append("0x").append(Long.toHexString(a)).append('\n');
    }
    List<String> lines = run(List.of("addr2line", "-e", elf.toString()), input.toString());
    if (lines.size() != addresses.length) {
      throw new IOException(
          "addr2line gave " + lines.size() + " lines for " + addresses.length + " addresses");
    }
    List<String> out = new ArrayList<>(lines.size());
    for (String l : lines) {
      int d = l.indexOf(" (discriminator");
      String s = d >= 0 ? l.substring(0, d) : l;
      // "??:0" is no answer; "name.o:?" is addr2line guessing a file from STT_FILE symbols.
      out.add(s.startsWith("??:") || s.endsWith(":?") ? null : s);
    }
    return out;
  }

  /** A copy of {@code elf} with {@code strip --strip-all}: only {@code .dynsym} is left. */
  static Path stripped(Path elf) throws IOException {
    Path out = elf.resolveSibling(elf.getFileName() + ".stripped");
    run(List.of("strip", "--strip-all", "-o", out.toString(), elf.toString()), null);
    return out;
  }

  /** The build-id as {@code readelf -n} prints it. */
  static Optional<String> buildId(Path elf) throws IOException {
    for (String line : run(List.of("readelf", "-n", elf.toString()), null)) {
      String t = line.trim();
      if (t.startsWith("Build ID:")) {
        String hex = t.substring("Build ID:".length()).trim();
        HexFormat.of().parseHex(hex);
        return Optional.of(hex);
      }
    }
    return Optional.empty();
  }

  /** Runs a command (argument array, no shell), feeding stdin from a file; output via files. */
  private static List<String> run(List<String> cmd, String stdin) throws IOException {
    Path dir = Files.createTempDirectory("peer");
    Path in = dir.resolve("in");
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    try {
      Files.writeString(in, stdin == null ? "" : stdin);
      Process p =
          new ProcessBuilder(cmd)
              .redirectInput(in.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(cmd.get(0) + " timed out");
      }
      if (p.exitValue() != 0) {
        throw new IOException(
            String.join(" ", cmd) + " exited " + p.exitValue() + ": " + Files.readString(err));
      }
      return Files.readAllLines(out, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      for (Path f : List.of(in, out, err, dir)) {
        Files.deleteIfExists(f);
      }
    }
  }
}
