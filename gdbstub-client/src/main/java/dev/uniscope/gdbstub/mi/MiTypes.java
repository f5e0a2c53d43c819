package dev.uniscope.gdbstub.mi;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Typed views of the MI results a debugger front end uses. */
public final class MiTypes {
  private MiTypes() {}

  static long parseAddress(String s) {
    String t = s.strip();
    int sp = t.indexOf(' ');
    if (sp > 0) {
      t = t.substring(0, sp);
    }
    return t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
  }

  static int intOr(MiValue.Tuple t, String name, int dflt) {
    return t.string(name).map(Integer::parseInt).orElse(dflt);
  }

  /** A breakpoint or watchpoint as gdb reports it ({@code bkpt=}, {@code wpt=}, ...). */
  public record Breakpoint(
      int number,
      String type,
      boolean enabled,
      Optional<Long> address,
      Optional<String> function,
      Optional<String> file,
      int line,
      int hits,
      String location,
      MiValue.Tuple raw) {
    static Breakpoint of(MiValue.Tuple t) {
      String num =
          t.string("number").orElseThrow(() -> new MiException("breakpoint without number: " + t));
      return new Breakpoint(
          (int) Double.parseDouble(num.contains(".") ? num.substring(0, num.indexOf('.')) : num),
          t.string("type").orElse("breakpoint"),
          !t.string("enabled").orElse("y").equals("n"),
          t.string("addr").filter(a -> a.startsWith("0x")).map(MiTypes::parseAddress),
          t.string("func"),
          t.string("fullname").or(() -> t.string("file")),
          intOr(t, "line", 0),
          intOr(t, "times", 0),
          t.string("original-location").or(() -> t.string("exp")).orElse(""),
          t);
    }
  }

  /** A stack frame; {@code args} only when requested. */
  public record Frame(
      int level,
      long address,
      String function,
      Optional<String> file,
      int line,
      List<Variable> args,
      MiValue.Tuple raw) {
    static Frame of(MiValue.Tuple t) {
      return new Frame(
          intOr(t, "level", 0),
          t.string("addr").map(MiTypes::parseAddress).orElse(0L),
          t.string("func").orElse("??"),
          t.string("fullname").or(() -> t.string("file")),
          intOr(t, "line", 0),
          t.list("args").stream()
              .filter(MiValue.Tuple.class::isInstance)
              .map(v -> Variable.of((MiValue.Tuple) v))
              .toList(),
          t);
    }
  }

  /**
   * A local, argument or expression value; {@code type}/{@code value} absent when gdb omits them.
   */
  public record Variable(String name, Optional<String> type, Optional<String> value) {
    static Variable of(MiValue.Tuple t) {
      return new Variable(t.string("name").orElse(""), t.string("type"), t.string("value"));
    }
  }

  /** {@code *stopped}: why and where. {@code reason} is empty when gdb gives none. */
  public record Stopped(
      Optional<String> reason,
      Optional<String> threadId,
      Optional<Integer> breakpoint,
      Optional<Frame> frame,
      MiValue.Tuple raw) {
    static Stopped of(MiValue.Tuple t) {
      return new Stopped(
          t.string("reason"),
          t.string("thread-id"),
          t.string("bkptno").map(Integer::parseInt),
          t.get("frame")
              .filter(MiValue.Tuple.class::isInstance)
              .map(v -> Frame.of((MiValue.Tuple) v)),
          t);
    }
  }

  public record Instruction(
      long address, Optional<String> function, int offset, String text, String opcodes) {
    static Instruction of(MiValue.Tuple t) {
      return new Instruction(
          parseAddress(t.require("address")),
          t.string("func-name"),
          intOr(t, "offset", 0),
          t.string("inst").orElse(""),
          t.string("opcodes").orElse(""));
    }
  }

  /** One source line and the address range its code starts at ({@code -symbol-list-lines}). */
  public record SourceLine(long address, int line) {}

  /** Thread (vCPU) as gdb lists it. */
  public record ThreadInfo(
      String id, String targetId, Optional<String> details, Optional<Frame> frame, String state) {
    static ThreadInfo of(MiValue.Tuple t) {
      return new ThreadInfo(
          t.string("id").orElse(""),
          t.string("target-id").orElse(""),
          t.string("details"),
          t.get("frame")
              .filter(MiValue.Tuple.class::isInstance)
              .map(v -> Frame.of((MiValue.Tuple) v)),
          t.string("state").orElse(""));
    }
  }

  /** Register values by name (gdb's numbering differs from RSP's; only names are stable). */
  public record Registers(Map<String, String> values) {}
}
