package dev.uniscope.gdbstub.rsp;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The register layout from the stub's {@code target.xml} (and the files it includes). Registers are
 * looked up by name: RSP numbers differ from gdb's own numbers.
 */
public record TargetDescription(String architecture, List<RegisterInfo> registers) {

  /** Includes nest at most this deep and the whole description is at most this many files. */
  private static final int MAX_DEPTH = 4;

  private static final int MAX_FILES = 32;
  private static final int MAX_REGISTERS = 4096;

  public TargetDescription {
    registers = List.copyOf(registers);
  }

  public Optional<RegisterInfo> register(String name) {
    for (RegisterInfo r : registers) {
      if (r.name().equals(name)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  public RegisterInfo require(String name) {
    return register(name)
        .orElseThrow(
            () -> new IllegalArgumentException("no register '" + name + "' in target.xml"));
  }

  /** The program counter: {@code rip}, {@code eip} or {@code pc}. */
  public RegisterInfo pc() {
    for (String n : List.of("rip", "eip", "pc")) {
      var r = register(n);
      if (r.isPresent()) {
        return r.get();
      }
    }
    throw new IllegalStateException("target.xml names no program counter");
  }

  /** Total size of all registers, which is the size of a full {@code g} reply. */
  public int registerBytes() {
    return registers.stream().mapToInt(RegisterInfo::byteSize).sum();
  }

  /**
   * Parses {@code target.xml}; {@code annex} fetches included files by name (blocking). DTDs and
   * external entities are never loaded.
   */
  public static TargetDescription parse(String targetXml, Function<String, String> annex) {
    var regs = new ArrayList<Raw>();
    String[] arch = {""};
    int[] files = {1};
    walk(parseXml("target.xml", targetXml), annex, regs, arch, files, 0);
    // regnum defaults to the previous one plus one (gdb's rule).
    var numbered = new ArrayList<Raw>();
    int next = 0;
    for (Raw r : regs) {
      int n = r.regnum >= 0 ? r.regnum : next;
      numbered.add(new Raw(r.name, n, r.bits, r.type, r.group, r.feature));
      next = n + 1;
    }
    numbered.sort(Comparator.comparingInt(r -> r.regnum));
    var out = new ArrayList<RegisterInfo>();
    int offset = 0;
    for (Raw r : numbered) {
      out.add(new RegisterInfo(r.name, r.regnum, r.bits, r.type, r.group, r.feature, offset));
      offset += (r.bits + 7) / 8;
    }
    return new TargetDescription(arch[0], out);
  }

  private record Raw(
      String name, int regnum, int bits, String type, String group, String feature) {}

  private static void walk(
      Document doc,
      Function<String, String> annex,
      List<Raw> regs,
      String[] arch,
      int[] files,
      int depth) {
    Element root = doc.getDocumentElement();
    visit(root, annex, regs, arch, files, depth, "");
  }

  private static void visit(
      Element e,
      Function<String, String> annex,
      List<Raw> regs,
      String[] arch,
      int[] files,
      int depth,
      String feature) {
    String tag = e.getTagName();
    if (tag.equals("architecture")) {
      arch[0] = e.getTextContent().trim();
      return;
    }
    if (tag.equals("include") || tag.endsWith(":include")) {
      String href = e.getAttribute("href");
      if (depth >= MAX_DEPTH || ++files[0] > MAX_FILES) {
        throw new IllegalArgumentException("target.xml includes nest too deep or too many files");
      }
      if (!href.matches("[A-Za-z0-9_.-]{1,100}")) {
        throw new IllegalArgumentException("target.xml includes a suspicious name: '" + href + "'");
      }
      walk(parseXml(href, annex.apply(href)), annex, regs, arch, files, depth + 1);
      return;
    }
    if (tag.equals("feature")) {
      feature = e.getAttribute("name");
    }
    if (tag.equals("reg")) {
      if (regs.size() >= MAX_REGISTERS) {
        throw new IllegalArgumentException("target.xml declares too many registers");
      }
      int bits = parseInt(e.getAttribute("bitsize"), "bitsize", e);
      if (bits <= 0 || bits > 4096) {
        throw new IllegalArgumentException("register bitsize out of range: " + bits);
      }
      String rn = e.getAttribute("regnum");
      regs.add(
          new Raw(
              e.getAttribute("name"),
              rn.isEmpty() ? -1 : parseInt(rn, "regnum", e),
              bits,
              e.getAttribute("type"),
              e.getAttribute("group"),
              feature));
      return;
    }
    for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c instanceof Element child) {
        visit(child, annex, regs, arch, files, depth, feature);
      }
    }
  }

  private static int parseInt(String s, String what, Element e) {
    try {
      int v = Integer.parseInt(s.trim());
      if (v < 0 || v > 100_000) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException ex) {
      throw new IllegalArgumentException(
          "bad " + what + " '" + s + "' on register '" + e.getAttribute("name") + "'");
    }
  }

  private static Document parseXml(String name, String xml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      f.setNamespaceAware(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      return b.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot parse " + name + ": " + e.getMessage(), e);
    }
  }

  /** Register name to value map helper for callers that want everything at once. */
  public Map<String, RegisterInfo> byName() {
    var m = new LinkedHashMap<String, RegisterInfo>();
    registers.forEach(r -> m.putIfAbsent(r.name(), r));
    return m;
  }
}
