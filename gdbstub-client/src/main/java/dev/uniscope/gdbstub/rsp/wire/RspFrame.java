package dev.uniscope.gdbstub.rsp.wire;

/**
 * One unit on an RSP byte stream: a framed packet, an acknowledgement, the out-of-band interrupt
 * byte, or a packet whose checksum did not match.
 */
public sealed interface RspFrame permits RspPacket, RspControl, RspCorrupt {}
