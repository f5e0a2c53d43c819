package dev.uniscope.cli.report;

import java.nio.file.Path;

/** Lets tests of other CLI packages write a fixture capture. */
public final class CaptureFixtureAccess {
  private CaptureFixtureAccess() {}

  public static Path write(Path file, int samples) throws Exception {
    return CaptureFixture.write(file, samples, 0, 0);
  }
}
