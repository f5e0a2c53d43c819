package dev.uniscope.cli.run;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C during an attach: the shutdown hook only raises {@link #cancelled()} and holds the JVM (up
 * to 30 s) until the attach has finished its capture and {@link #close() closed} this, so the
 * capture file is complete and the summary printed before the process ends.
 */
final class CancelHook implements AutoCloseable {
  private static final long GRACE_SECONDS = 30;

  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread hook;

  private CancelHook(String threadName) {
    hook =
        new Thread(
            () -> {
              cancelled.set(true);
              try {
                done.await(GRACE_SECONDS, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            threadName);
  }

  /** Registers the hook; {@link #close()} removes it again. */
  static CancelHook install(String threadName) {
    CancelHook h = new CancelHook(threadName);
    Runtime.getRuntime().addShutdownHook(h.hook);
    return h;
  }

  /** Whether the JVM is shutting down (Ctrl-C, SIGTERM) and the attach should wind up. */
  boolean cancelled() {
    return cancelled.get();
  }

  /** Lets a pending shutdown proceed and unregisters the hook (not possible once shutting down). */
  @Override
  public void close() {
    done.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down
    }
  }
}
