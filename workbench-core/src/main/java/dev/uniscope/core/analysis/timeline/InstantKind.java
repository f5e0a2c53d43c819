package dev.uniscope.core.analysis.timeline;

/** Point events shown on the timeline, and what {@link Instants} columns hold for each. */
public enum InstantKind {
  /** key = marker name id, tid = the marking thread. */
  MARKER,
  /** key = timer address, value = timer function. */
  TIMER,
  /** key = faulting address, value = faulting ip, aux = error code. */
  PAGE_FAULT,
  /** Function tracer call: key = ip, value = parent ip. */
  FUNCTION_CALL;

  static final InstantKind[] VALUES = values();
}
