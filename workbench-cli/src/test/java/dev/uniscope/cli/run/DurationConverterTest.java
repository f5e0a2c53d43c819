package dev.uniscope.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  private final DurationConverter c = new DurationConverter();

  @Test
  void readsTheUnitsPeopleWrite() {
    assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(c.convert("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.convert("10")).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.convert("1h")).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void rejectsWithAMessageThatSaysWhat() {
    assertThatThrownBy(() -> c.convert("ten seconds"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'ten seconds' is not a duration");
    assertThatThrownBy(() -> c.convert("10d"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("unknown unit 'd'");
  }

  @Property
  void anyStringEitherParsesOrFailsCleanly(@ForAll String s) {
    try {
      assertThat(c.convert(s).isNegative()).isFalse();
    } catch (TypeConversionException expected) {
      assertThat(expected.getMessage()).contains("'" + s + "'");
    }
  }
}
