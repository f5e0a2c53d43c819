package dev.uniscope.gdbstub.mi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A recursive-descent parser for one line of gdb/MI output (GDB manual, "GDB/MI Output Syntax").
 * Nesting depth is bounded so a hostile line cannot overflow the stack.
 */
public final class MiParser {

  static final int MAX_DEPTH = 200;

  private final String s;
  private int i;
  private int depth;

  private MiParser(String line) {
    this.s = line;
  }

  /** Parses one line (without its line terminator); never returns null. */
  public static MiRecord parse(String line) {
    String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    if (l.strip().equals("(gdb)")) {
      return new MiRecord.Prompt();
    }
    try {
      return new MiParser(l).record();
    } catch (MiSyntaxException e) {
      return new MiRecord.Unparsed(line, e.getMessage());
    }
  }

  static final class MiSyntaxException extends RuntimeException {
    MiSyntaxException(String message) {
      super(message);
    }
  }

  private MiSyntaxException error(String what) {
    return new MiSyntaxException(what + " at column " + i);
  }

  private MiRecord record() {
    if (s.isEmpty()) {
      throw error("empty line");
    }
    char c = s.charAt(0);
    if (c == '~' || c == '@' || c == '&') {
      i = 1;
      String text = cstring();
      expectEnd();
      var kind =
          c == '~'
              ? MiRecord.StreamKind.CONSOLE
              : c == '@' ? MiRecord.StreamKind.TARGET : MiRecord.StreamKind.LOG;
      return new MiRecord.Stream(kind, text);
    }
    long token = -1;
    int start = i;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (i > start) {
      if (i - start > 18) {
        throw error("token too long");
      }
      token = Long.parseLong(s.substring(start, i));
    }
    if (i >= s.length()) {
      throw error("record type expected");
    }
    char type = s.charAt(i++);
    String cls = identifier();
    MiValue.Tuple results = resultsToEnd();
    return switch (type) {
      case '^' -> new MiRecord.Result(token, resultClass(cls), results);
      case '*' -> new MiRecord.Async(token, MiRecord.AsyncKind.EXEC, cls, results);
      case '+' -> new MiRecord.Async(token, MiRecord.AsyncKind.STATUS, cls, results);
      case '=' -> new MiRecord.Async(token, MiRecord.AsyncKind.NOTIFY, cls, results);
      default -> throw error("unknown record type '" + type + "'");
    };
  }

  private MiRecord.ResultClass resultClass(String cls) {
    return switch (cls) {
      case "done" -> MiRecord.ResultClass.DONE;
      case "running" -> MiRecord.ResultClass.RUNNING;
      case "connected" -> MiRecord.ResultClass.CONNECTED;
      case "error" -> MiRecord.ResultClass.ERROR;
      case "exit" -> MiRecord.ResultClass.EXIT;
      default -> throw error("unknown result class '" + cls + "'");
    };
  }

  private MiValue.Tuple resultsToEnd() {
    var results = new ArrayList<MiValue.MiResult>();
    while (i < s.length()) {
      expect(',');
      results.add(result());
    }
    return new MiValue.Tuple(results);
  }

  private void expectEnd() {
    if (i != s.length()) {
      throw error("trailing characters");
    }
  }

  private void expect(char c) {
    if (i >= s.length() || s.charAt(i) != c) {
      throw error("'" + c + "' expected");
    }
    i++;
  }

  private String identifier() {
    int start = i;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.') {
        i++;
      } else {
        break;
      }
    }
    if (i == start) {
      throw error("identifier expected");
    }
    return s.substring(start, i);
  }

  private MiValue.MiResult result() {
    String name = identifier();
    expect('=');
    return new MiValue.MiResult(name, value());
  }

  private MiValue value() {
    if (i >= s.length()) {
      throw error("value expected");
    }
    if (++depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
    try {
      char c = s.charAt(i);
      return switch (c) {
        case '"' -> new MiValue.Str(cstring());
        case '{' -> tuple();
        case '[' -> list();
        default -> throw error("value expected");
      };
    } finally {
      depth--;
    }
  }

  private MiValue.Tuple tuple() {
    expect('{');
    var results = new ArrayList<MiValue.MiResult>();
    if (peek() == '}') {
      i++;
      return new MiValue.Tuple(results);
    }
    while (true) {
      // gdb 12 and older wrote script={"a","b"} (values inside braces); accept it (MI3 note).
      if (peek() == '"') {
        results.add(new MiValue.MiResult("", value()));
      } else {
        results.add(result());
      }
      if (peek() == ',') {
        i++;
        continue;
      }
      expect('}');
      return new MiValue.Tuple(results);
    }
  }

  private MiValue list() {
    expect('[');
    if (peek() == ']') {
      i++;
      return new MiValue.ValueList(List.of());
    }
    char c = peek();
    if (c == '"' || c == '{' || c == '[') {
      var values = new ArrayList<MiValue>();
      while (true) {
        values.add(value());
        if (peek() == ',') {
          i++;
          continue;
        }
        expect(']');
        return new MiValue.ValueList(values);
      }
    }
    var results = new ArrayList<MiValue.MiResult>();
    while (true) {
      results.add(result());
      if (peek() == ',') {
        i++;
        continue;
      }
      expect(']');
      return new MiValue.ResultList(results);
    }
  }

  private char peek() {
    return i < s.length() ? s.charAt(i) : '\0';
  }

  /** A C string; escapes decoded, octal escapes as raw bytes then UTF-8. */
  private String cstring() {
    expect('"');
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      if (i >= s.length()) {
        throw error("unterminated string");
      }
      char c = s.charAt(i++);
      if (c == '"') {
        return out.toString(StandardCharsets.UTF_8);
      }
      if (c != '\\') {
        if (c < 0x80) {
          out.write(c);
        } else {
          out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        }
        continue;
      }
      if (i >= s.length()) {
        throw error("unterminated escape");
      }
      char e = s.charAt(i++);
      switch (e) {
        case 'n' -> out.write('\n');
        case 't' -> out.write('\t');
        case 'r' -> out.write('\r');
        case 'a' -> out.write(7);
        case 'b' -> out.write('\b');
        case 'f' -> out.write('\f');
        case 'v' -> out.write(11);
        case 'e' -> out.write(27);
        case '"', '\\', '\'' -> out.write(e);
        default -> {
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int k = 0;
                k < 2 && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7';
                k++) {
              v = v * 8 + (s.charAt(i++) - '0');
            }
            out.write(v & 0xff);
          } else {
            throw error("unknown escape '\\" + e + "'");
          }
        }
      }
    }
  }
}
