package dev.uniscope.gdbstub.mi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class MiParserTest {

  // ---- generators: random MI values and their canonical text ----

  @Provide
  Arbitrary<MiValue> values() {
    return value(3);
  }

  private Arbitrary<MiValue> value(int depth) {
    Arbitrary<MiValue> str = Arbitraries.strings().ofMaxLength(12).map(MiValue.Str::new);
    if (depth == 0) {
      return str;
    }
    Arbitrary<MiValue.MiResult> result =
        Combinators.combine(names(), Arbitraries.lazy(() -> value(depth - 1)))
            .as(MiValue.MiResult::new);
    Arbitrary<MiValue> tuple = result.list().ofMaxSize(4).map(MiValue.Tuple::new);
    Arbitrary<MiValue> vlist =
        Arbitraries.lazy(() -> value(depth - 1))
            .list()
            .ofMinSize(1)
            .ofMaxSize(4)
            .map(MiValue.ValueList::new);
    Arbitrary<MiValue> rlist = result.list().ofMinSize(1).ofMaxSize(4).map(MiValue.ResultList::new);
    return Arbitraries.oneOf(str, tuple, vlist, rlist);
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withChars('-', '_')
        .ofMinLength(1)
        .ofMaxLength(8);
  }

  static String render(MiValue v) {
    return switch (v) {
      case MiValue.Str s -> cstring(s.value());
      case MiValue.Tuple t ->
          "{" + String.join(",", t.results().stream().map(MiParserTest::render).toList()) + "}";
      case MiValue.ValueList l ->
          "[" + String.join(",", l.values().stream().map(MiParserTest::render).toList()) + "]";
      case MiValue.ResultList l ->
          "[" + String.join(",", l.results().stream().map(MiParserTest::render).toList()) + "]";
    };
  }

  static String render(MiValue.MiResult r) {
    return r.name() + "=" + render(r.value());
  }

  /** Escapes like gdb: C escapes, octal for other control and non-ASCII bytes. */
  static String cstring(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c >= 0x7f) {
            sb.append(String.format("\\%03o", c));
          } else {
            sb.append((char) c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  @Property(tries = 500)
  void resultRecordsRoundTrip(@ForAll("values") MiValue v, @ForAll("names") String name) {
    String line = "42^done," + name + "=" + render(v);
    MiRecord r = MiParser.parse(line);
    assertThat(r)
        .isEqualTo(
            new MiRecord.Result(
                42,
                MiRecord.ResultClass.DONE,
                new MiValue.Tuple(List.of(new MiValue.MiResult(name, v)))));
  }

  @Property(tries = 500)
  void streamRecordsRoundTrip(@ForAll String text) {
    String t = text.chars().anyMatch(c -> Character.isSurrogate((char) c)) ? "x" : text;
    assertThat(MiParser.parse("~" + cstring(t)))
        .isEqualTo(new MiRecord.Stream(MiRecord.StreamKind.CONSOLE, t));
  }

  /** Any input gives a record (Unparsed for junk), never an exception. */
  @Property(tries = 3000)
  void malformedInputNeverThrows(@ForAll("mish") String line) {
    assertThat(MiParser.parse(line)).isNotNull();
  }

  @Provide
  Arbitrary<String> mish() {
    return Arbitraries.strings().withChars("^*+=~@&{}[]\",=\\0123abc-(gdb) \r").ofMaxLength(60);
  }

  @Test
  void deepNestingIsRejectedNotStackOverflow() {
    String bomb = "^done,a=" + "[".repeat(100_000) + "]".repeat(100_000);
    assertThat(MiParser.parse(bomb)).isInstanceOf(MiRecord.Unparsed.class);
  }

  @Test
  void realGdbLines() {
    var stopped =
        (MiRecord.Async)
            MiParser.parse(
                "*stopped,reason=\"breakpoint-hit\",disp=\"keep\",bkptno=\"1\",frame={addr=\"0x00000000000fe05b\",func=\"??\",args=[],arch=\"i386:x86-64\"},thread-id=\"1\",stopped-threads=\"all\"");
    assertThat(stopped.kind()).isEqualTo(MiRecord.AsyncKind.EXEC);
    var s = MiTypes.Stopped.of(stopped.results());
    assertThat(s.reason()).contains("breakpoint-hit");
    assertThat(s.breakpoint()).contains(1);
    assertThat(s.frame().get().address()).isEqualTo(0xfe05bL);

    var frames =
        (MiRecord.Result)
            MiParser.parse(
                "^done,stack=[frame={level=\"0\",addr=\"0x000000000000fff0\",func=\"??\",arch=\"i386:x86-64\"},frame={level=\"1\",addr=\"0x0\",func=\"??\"}]");
    assertThat(frames.results().list("stack")).hasSize(2);

    // MI3's malformed script tuple (values in braces) is accepted.
    var bkpt =
        (MiRecord.Result) MiParser.parse("^done,bkpt={number=\"2\",script={\"silent\",\"bt\"}}");
    assertThat(bkpt.results().tuple("bkpt").tuple("script").results()).hasSize(2);

    assertThat(MiParser.parse("(gdb) ")).isInstanceOf(MiRecord.Prompt.class);
    assertThat(MiParser.parse("@\"VM status: paused (debug)\\r\\n\""))
        .isEqualTo(
            new MiRecord.Stream(MiRecord.StreamKind.TARGET, "VM status: paused (debug)\r\n"));
    assertThat(MiParser.parse("~\"caf\\303\\251\\n\""))
        .isEqualTo(new MiRecord.Stream(MiRecord.StreamKind.CONSOLE, "café\n"));
    assertThat(
            MiParser.parse(
                "^error,msg=\"No symbol \\\"x\\\" in current context.\",code=\"undefined-command\"\r"))
        .isEqualTo(
            new MiRecord.Result(
                -1,
                MiRecord.ResultClass.ERROR,
                new MiValue.Tuple(
                    List.of(
                        new MiValue.MiResult(
                            "msg", new MiValue.Str("No symbol \"x\" in current context.")),
                        new MiValue.MiResult("code", new MiValue.Str("undefined-command"))))));
    assertThat(MiParser.parse("hello from the inferior")).isInstanceOf(MiRecord.Unparsed.class);
  }
}
