package dev.uniscope.core.report;

import dev.uniscope.trace.meta.CoreEvents;
import dev.uniscope.trace.meta.EventDef;
import dev.uniscope.trace.session.TraceSession;
import dev.uniscope.trace.store.EventStore;
import java.util.Map;
import java.util.TreeMap;

/**
 * Events per name and per group, with what was lost: records the kernel dropped (the pages' {@code
 * lost}) and pages missing from the per-CPU sequences.
 */
public record EventCounts(
    long total,
    Map<String, Long> byEvent,
    Map<String, Long> byGroup,
    long lostRecords,
    long missingPages,
    long badPages,
    long crcErrors,
    long garbageBytes) {

  public EventCounts {
    byEvent = Map.copyOf(byEvent);
    byGroup = Map.copyOf(byGroup);
  }

  /** Whether anything was lost on the way (dropped records, missing or undecodable pages). */
  public boolean anyLost() {
    return lostRecords > 0 || missingPages > 0 || badPages > 0;
  }

  public static EventCounts of(TraceSession session) {
    EventStore store = session.store();
    Map<String, Long> byEvent = new TreeMap<>();
    Map<String, Long> byGroup = new TreeMap<>();
    long total = 0;
    for (int cpu = 0; cpu < store.cpuCount(); cpu++) {
      long n = store.eventCount(cpu);
      for (long i = 0; i < n; i++) {
        EventDef e = store.event(cpu, i);
        byEvent.merge(e.name(), 1L, Long::sum);
        int g = e.group();
        String group =
            g >= 0 && g < CoreEvents.GROUP_NAMES.size() ? CoreEvents.GROUP_NAMES.get(g) : "g" + g;
        byGroup.merge(group, 1L, Long::sum);
        total++;
      }
    }
    TraceSession.Snapshot s = session.stats();
    return new EventCounts(
        total,
        byEvent,
        byGroup,
        s.lostRecords(),
        s.missingPages(),
        s.badPages(),
        s.crcErrors(),
        s.garbageBytes());
  }
}
