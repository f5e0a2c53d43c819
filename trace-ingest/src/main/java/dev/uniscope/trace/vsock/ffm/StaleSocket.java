package dev.uniscope.trace.vsock.ffm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Removes a socket file left by an earlier run, and refuses to delete anything else. */
public final class StaleSocket {
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;

  private StaleSocket() {}

  public static void remove(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    int mode = (int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    if ((mode & S_IFMT) != S_IFSOCK) {
      throw new IOException(path + " exists and is not a socket; refusing to replace it");
    }
    Files.delete(path);
  }
}
