package dev.uniscope.gdbstub.mi;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** An MI value: a c-string, a tuple, or a list (of values or of results). */
public sealed interface MiValue {

  record Str(String value) implements MiValue {
    @Override
    public String toString() {
      return '"' + value + '"';
    }
  }

  /** {@code {a=..,b=..}}: an ordered map whose keys may repeat. Unknown keys are simply ignored. */
  record Tuple(List<MiResult> results) implements MiValue {
    public static final Tuple EMPTY = new Tuple(List.of());

    public Tuple {
      results = List.copyOf(results);
    }

    public Optional<MiValue> get(String name) {
      for (MiResult r : results) {
        if (r.name().equals(name)) {
          return Optional.of(r.value());
        }
      }
      return Optional.empty();
    }

    /** Every value under {@code name}, in order (repeated keys). */
    public List<MiValue> all(String name) {
      var out = new ArrayList<MiValue>();
      for (MiResult r : results) {
        if (r.name().equals(name)) {
          out.add(r.value());
        }
      }
      return out;
    }

    public Optional<String> string(String name) {
      return get(name).filter(Str.class::isInstance).map(v -> ((Str) v).value());
    }

    public String require(String name) {
      return string(name)
          .orElseThrow(
              () -> new MiException("MI record lacks string field '" + name + "': " + this));
    }

    public Tuple tuple(String name) {
      return get(name).filter(Tuple.class::isInstance).map(Tuple.class::cast).orElse(EMPTY);
    }

    /** The elements of a list field (for a list of results, their values); empty if absent. */
    public List<MiValue> list(String name) {
      return get(name).map(MiValue::elements).orElse(List.of());
    }

    @Override
    public String toString() {
      return "{" + String.join(",", results.stream().map(MiResult::toString).toList()) + "}";
    }
  }

  record ValueList(List<MiValue> values) implements MiValue {
    public ValueList {
      values = List.copyOf(values);
    }
  }

  record ResultList(List<MiResult> results) implements MiValue {
    public ResultList {
      results = List.copyOf(results);
    }
  }

  /** List elements; a tuple is treated as a list of its values (gdb is not always consistent). */
  static List<MiValue> elements(MiValue v) {
    return switch (v) {
      case ValueList l -> l.values();
      case ResultList l -> l.results().stream().map(MiResult::value).toList();
      case Tuple t -> t.results().stream().map(MiResult::value).toList();
      case Str s -> List.of(s);
    };
  }

  /** {@code name=value}. */
  record MiResult(String name, MiValue value) {
    @Override
    public String toString() {
      return name + "=" + value;
    }
  }
}
