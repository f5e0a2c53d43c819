package dev.uniscope.trace.vsock.connect;

/**
 * A vsock endpoint: context id and port (both u32). Connectors accept only guest CIDs (and the
 * loopback CID 1): CID 2 is the host, which on a CI runner that is itself a VM is the real outer
 * machine, so the workbench never connects to it.
 */
public record VsockAddress(long cid, int port) {
  public static final long CID_HYPERVISOR = 0;
  public static final long CID_LOCAL = 1;
  public static final long CID_HOST = 2;
  public static final long CID_ANY = 0xffff_ffffL;

  public VsockAddress {
    if (cid < 0 || cid > 0xffff_ffffL) {
      throw new IllegalArgumentException("vsock CID " + cid + " is not a u32");
    }
  }

  /** Throws unless this is an address the workbench may connect to (a guest or loopback). */
  public VsockAddress requireConnectable() {
    if (cid == CID_HOST) {
      throw new IllegalArgumentException(
          "refusing to connect to vsock CID 2 (VMADDR_CID_HOST): that is this machine's host, not"
              + " a guest; give the guest's CID (3 or higher)");
    }
    if (cid == CID_HYPERVISOR || cid == CID_ANY) {
      throw new IllegalArgumentException(
          "vsock CID " + cid + " is reserved and cannot be connected to; give the guest's CID");
    }
    return this;
  }

  @Override
  public String toString() {
    return "vsock " + cid + ":" + Integer.toUnsignedString(port);
  }
}
