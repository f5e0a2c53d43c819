package dev.uniscope.ui.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.analysis.timeline.SchedState;
import dev.uniscope.core.analysis.timeline.Timeline;
import org.junit.jupiter.api.Test;

class TimelineSnapshotTest {
  @Test
  void instantMarkersAndNamesAreTakenAndSearchable() {
    Timeline t = new Timeline();
    t.schedSwitch(0, 0, 0, SchedState.RUNNABLE, 0, 5, 0);
    t.threadName(0, 0, 5, "main");
    t.markerInstant(100, 0, 5, "kvstore: burst");
    t.markerInstant(200, 1, 5, "kvstore: burst");
    t.markerInstant(200, 0, 5, "other");
    t.pageFault(150, 0, 0x1000, 0x2000, 2);
    t.flush();
    TimelineSnapshot s = TimelineSnapshot.of(t);
    assertThat(s.cpus()).isEqualTo(2);
    assertThat(s.hasMarkers()).isTrue();
    assertThat(s.markerTs()).containsExactly(100, 200, 200);
    assertThat(s.markerName(s.markerNames()[0])).isEqualTo("kvstore: burst");
    assertThat(s.firstMarkerAtOrAfter(150)).isEqualTo(1);
    assertThat(s.firstMarkerAtOrAfter(200)).isEqualTo(1);
    assertThat(s.firstMarkerAtOrAfter(201)).isEqualTo(3);
    assertThat(s.threadName(5)).isEqualTo("main");
    assertThat(s.threadName(0)).isEqualTo("idle");
    assertThat(s.threadName(9)).isEqualTo("tid 9");
  }
}
