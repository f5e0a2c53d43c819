package dev.uniscope.gdbstub.rsp.wire;

/** A packet whose checksum did not match; the ack handler answers it with {@code -}. */
public record RspCorrupt(int expected, int actual, int length) implements RspFrame {}
