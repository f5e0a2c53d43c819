package dev.uniscope.core.analysis.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class LongIndexProperties {
  @Property(tries = 200)
  void behavesLikeAMapToDenseIds(@ForAll List<Long> keys, @ForAll List<Long> probes) {
    LongIndex index = new LongIndex();
    Map<Long, Integer> model = new HashMap<>();
    for (long k : keys) {
      int id = index.intern(k);
      Integer expected = model.putIfAbsent(k, model.size());
      assertThat(id).isEqualTo(expected == null ? model.size() - 1 : expected);
      assertThat(index.key(id)).isEqualTo(k);
    }
    assertThat(index.size()).isEqualTo(model.size());
    for (long p : probes) {
      assertThat(index.find(p)).isEqualTo(model.getOrDefault(p, -1));
    }
  }
}
