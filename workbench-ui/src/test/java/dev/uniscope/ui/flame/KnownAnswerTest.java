package dev.uniscope.ui.flame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.model.StackTreeBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnownAnswerTest {
  @Test
  void spinsLineAgainstAProfile() {
    KnownAnswer k = KnownAnswer.parse("spin: known-answer burn_a=50 burn_b=30 burn_c=20");
    assertThat(k).isNotNull();
    assertThat(k.functions())
        .containsExactly(
            java.util.Map.entry("burn_a", 50),
            java.util.Map.entry("burn_b", 30),
            java.util.Map.entry("burn_c", 20));
    StackTreeBuilder b = new StackTreeBuilder();
    b.add(List.of("spin_worker", "spin_phase", "burn_a", "burn_cycles"), 49);
    b.add(List.of("spin_worker", "spin_phase", "burn_b.constprop.0", "burn_cycles"), 31);
    b.add(List.of("spin_worker", "spin_phase", "burn_c"), 20);
    b.add(List.of("tx_thread", "send"), 100);
    StackTree t = b.build();
    assertThat(k.measure(t))
        .extracting(KnownAnswer.Row::measuredPct)
        .containsExactly(49.0, 31.0, 20.0);
    assertThat(k.describe(t))
        .isEqualTo(
            "spin known answer: burn_a 50% (profile 49.0%) burn_b 30% (profile 31.0%)"
                + " burn_c 20% (profile 20.0%)");
  }

  @Test
  void otherLinesAreNotKnownAnswers() {
    assertThat(KnownAnswer.parse("kvstore: known-answer leak_site=kvs_audit")).isNull();
    assertThat(KnownAnswer.parse("spin: result total burn_a=49.9")).isNull();
    assertThat(KnownAnswer.parse(null)).isNull();
  }
}
