package dev.uniscope.trace.meta;

/** Metadata bytes that break docs/protocol.md section 6; names the byte offset. */
public final class MetadataException extends Exception {
  private final int offset;

  public MetadataException(int offset, String message) {
    super(message + " (metadata byte " + offset + ")");
    this.offset = offset;
  }

  public int offset() {
    return offset;
  }
}
