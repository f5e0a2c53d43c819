package dev.uniscope.trace.vsock.vhostuser;

import java.util.Optional;

/** vhost-user front-end request numbers (QEMU 7.2 era), by the name used in vhost-user.rst. */
public enum Request {
  GET_FEATURES(1),
  SET_FEATURES(2),
  SET_OWNER(3),
  RESET_OWNER(4),
  SET_MEM_TABLE(5),
  SET_LOG_BASE(6),
  SET_LOG_FD(7),
  SET_VRING_NUM(8),
  SET_VRING_ADDR(9),
  SET_VRING_BASE(10),
  GET_VRING_BASE(11),
  SET_VRING_KICK(12),
  SET_VRING_CALL(13),
  SET_VRING_ERR(14),
  GET_PROTOCOL_FEATURES(15),
  SET_PROTOCOL_FEATURES(16),
  GET_QUEUE_NUM(17),
  SET_VRING_ENABLE(18),
  SEND_RARP(19),
  NET_SET_MTU(20),
  SET_BACKEND_REQ_FD(21),
  IOTLB_MSG(22),
  SET_VRING_ENDIAN(23),
  GET_CONFIG(24),
  SET_CONFIG(25),
  RESET_DEVICE(34),
  GET_MAX_MEM_SLOTS(36),
  SET_STATUS(39),
  GET_STATUS(40);

  private final int code;

  Request(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static Optional<Request> of(int code) {
    for (Request r : values()) {
      if (r.code == code) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** "GET_CONFIG (24)" or "request 99" for numbers we do not know. */
  public static String describe(int code) {
    return of(code).map(r -> r.name() + " (" + code + ")").orElse("request " + code);
  }
}
