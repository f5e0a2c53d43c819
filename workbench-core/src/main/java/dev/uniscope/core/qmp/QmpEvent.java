package dev.uniscope.core.qmp;

import tools.jackson.databind.JsonNode;

/**
 * An asynchronous QMP event, e.g. {@code STOP}, {@code RESUME}, {@code GUEST_PANICKED}, {@code
 * SHUTDOWN}, {@code DUMP_COMPLETED}.
 *
 * @param name the event name
 * @param data the event's {@code data} member (an empty object when absent)
 * @param micros QEMU's timestamp, microseconds since the epoch
 */
public record QmpEvent(String name, JsonNode data, long micros) {}
