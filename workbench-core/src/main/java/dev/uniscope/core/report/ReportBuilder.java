package dev.uniscope.core.report;

import dev.uniscope.core.analysis.latency.LatencyAnalysis;
import dev.uniscope.core.analysis.latency.LatencyReport;
import dev.uniscope.core.analysis.timeline.Timeline;
import dev.uniscope.core.imports.CaptureEvents;
import dev.uniscope.core.session.EventFanOut;
import dev.uniscope.core.session.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

/** Builds a {@link Report} from an opened capture, reporting progress by phase. */
public final class ReportBuilder {
  private ReportBuilder() {}

  /** Progress of long work: {@code fraction} in 0..1 of the whole build. */
  @FunctionalInterface
  public interface Progress {
    void at(String phase, double fraction);

    static Progress none() {
      return (p, f) -> {};
    }
  }

  public static Report build(CaptureData data, Optional<RunRecord> run, Progress progress)
      throws IOException {
    progress.at("counting events", 0.0);
    EventCounts counts = EventCounts.of(data.session());
    progress.at("replaying events", 0.2);
    Timeline timeline = new Timeline();
    ActivityAnalysis activity = new ActivityAnalysis();
    ProfileAnalysis profile = new ProfileAnalysis(data.symbols());
    new CaptureEvents(data.session().store())
        .replay(new EventFanOut(List.of(timeline, activity, profile)));
    progress.at("leak report", 0.7);
    LeakAnalysis.Summary leaks = LeakAnalysis.analyze(data.session().store(), data.symbols());
    progress.at("latency", 0.85);
    LatencyReport latency = LatencyAnalysis.analyze(timeline, data.symbols());
    progress.at("done", 1.0);
    return new Report(
        data.file(),
        Files.size(data.file()),
        data.reader().footerRebuilt(),
        data.reader().problems().total(),
        data.reader().problems().first(),
        data.hello(),
        data.layout(),
        data.layoutProblem(),
        data.symbols(),
        run,
        counts,
        profile.summary(),
        leaks,
        activity.summary(),
        latency);
  }
}
