package dev.uniscope.ui.vm;

import dev.uniscope.core.analysis.timeline.EventSink;
import dev.uniscope.core.analysis.timeline.FunctionNames;
import dev.uniscope.core.report.ProfileAnalysis;
import dev.uniscope.flamegraph.model.StackTree;
import java.util.function.ObjLongConsumer;

/**
 * Profiler samples of a live session into a flame-graph tree, republished at most every {@code
 * periodMillis} at batch ends (the tree is rebuilt from the builder, so not at every page).
 */
final class LiveProfile implements EventSink {
  private final ProfileAnalysis analysis;
  private final ObjLongConsumer<StackTree> publish;
  private final long periodNanos;
  private long lastPublish;
  private long samples;
  private long published = -1;

  LiveProfile(FunctionNames names, long periodMillis, ObjLongConsumer<StackTree> publish) {
    this.analysis = new ProfileAnalysis(names);
    this.publish = publish;
    this.periodNanos = periodMillis * 1_000_000L;
  }

  @Override
  public synchronized void sample(long ts, int cpu, int tid, boolean idle, long[] stack, int len) {
    analysis.sample(ts, cpu, tid, idle, stack, len);
    samples++;
  }

  @Override
  public void flush() {
    long now = System.nanoTime();
    if (now - lastPublish >= periodNanos) {
      lastPublish = now;
      publishNow();
    }
  }

  /** Publishes the current tree if samples arrived since the last time. */
  synchronized void publishNow() {
    if (samples != published) {
      published = samples;
      ProfileAnalysis.Summary s = analysis.summary();
      publish.accept(s.tree(), s.samples());
    }
  }
}
