package dev.uniscope.ui.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimeWindowTest {
  @Test
  void zoomKeepsTheAnchorAndStaysInBounds() {
    TimeWindow w = new TimeWindow();
    w.bounds(1_000_000, 2_000_000);
    assertThat(w.showsEverything()).isTrue();
    long under = w.toTime(250, 1000);
    w.zoom(0.5, 0.25);
    assertThat(w.span()).isEqualTo(500_000);
    assertThat(w.toTime(250, 1000)).isEqualTo(under);
    w.pan(10);
    assertThat(w.to()).isEqualTo(2_000_000);
    w.zoom(1e-9, 0.5);
    assertThat(w.span()).isEqualTo(TimeWindow.MIN_SPAN_NS);
    w.zoom(1e9, 0.5);
    assertThat(w.showsEverything()).isTrue();
  }

  @Test
  void aWholeWindowFollowsGrowingData() {
    TimeWindow w = new TimeWindow();
    w.bounds(0, 100_000);
    w.bounds(0, 200_000);
    assertThat(w.to()).isEqualTo(200_000);
    w.zoom(0.5, 0);
    w.bounds(0, 400_000);
    assertThat(w.from()).isZero();
    assertThat(w.to()).isEqualTo(100_000);
  }

  @Test
  void axisStepsAreOneTwoFiveAndNeverSmallerThanAsked() {
    assertThat(TimelinePane.niceStep(1)).isEqualTo(1);
    assertThat(TimelinePane.niceStep(13)).isEqualTo(20);
    assertThat(TimelinePane.niceStep(41)).isEqualTo(50);
    assertThat(TimelinePane.niceStep(51)).isEqualTo(100);
    assertThat(TimelinePane.duration(1_500_000)).isEqualTo("1.500 ms");
  }
}
