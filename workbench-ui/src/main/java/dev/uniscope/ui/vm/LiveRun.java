package dev.uniscope.ui.vm;

import dev.uniscope.core.analysis.timeline.FunctionNames;
import dev.uniscope.core.analysis.timeline.Timeline;
import dev.uniscope.core.report.Symbols;
import dev.uniscope.core.session.BootOptions;
import dev.uniscope.core.session.Session;
import dev.uniscope.core.session.SessionConfig;
import dev.uniscope.core.session.SessionListener;
import dev.uniscope.core.session.SessionResult;
import dev.uniscope.core.symbols.LayoutBlock;
import dev.uniscope.core.symbols.Slide;
import dev.uniscope.core.symbols.Symbolizer;
import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.trace.session.Hello;
import dev.uniscope.trace.session.TraceSession;
import dev.uniscope.ui.timeline.TimelineSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One live VM for the window: a core {@link Session} (QEMU, COM1, the data channel recorded into a
 * temporary capture) run on its own thread, feeding a {@link Timeline} and a profile. QEMU is
 * killed by {@link #close()} whatever state it is in.
 */
public final class LiveRun implements AutoCloseable {
  /** Trace groups the live view turns on: enough for the timeline, cheap enough under TCG. */
  public static final String GROUPS = "sched,irq";

  /** Sampling rate of the live flame graph. */
  public static final int PROFILE_HZ = 997;

  private static final long REFRESH_MILLIS = 400;

  /** What the run reports, on its own threads (never the FX thread). */
  public interface Observer {
    void state(VmState state);

    void consoleLine(String line);

    void layout(LayoutBlock block);

    void timeline(TimelineSnapshot snapshot);

    void profile(StackTree tree, long samples);

    void note(String message);

    /** Elapsed fraction of the planned run (0..1), or -1 when open-ended. */
    void progress(double fraction, String text);
  }

  private final Path kernel;
  private final String app;
  private final Observer observer;
  private final Timeline timeline = new Timeline();
  private final boolean vsock;
  private volatile Symbols symbols;
  private volatile Session session;
  private volatile boolean closed;
  private volatile Path dir;
  private volatile Thread thread;
  private long lastTimeline;

  /**
   * @param vsock carry the trace over virtio-vsock (the workbench's own vhost-user backend) rather
   *     than COM2
   */
  public LiveRun(Path kernel, String app, boolean vsock, Observer observer) {
    this.kernel = kernel;
    this.app = app;
    this.vsock = vsock;
    this.observer = observer;
    this.symbols = new Symbols(null, Slide.NONE, kernel, null, "no hello yet");
  }

  /** Starts the VM thread; returns at once. */
  public synchronized void start() {
    thread = Thread.ofPlatform().name("uniscope-vm").daemon().start(this::run);
  }

  /** Asks the VM to stop (the capture is finished properly). */
  public void stop() {
    Session s = session;
    if (s != null) {
      s.cancel();
    }
  }

  private void run() {
    observer.state(new VmState.Starting());
    Symbolizer symbolizer = null;
    try {
      symbolizer = Symbolizer.load(kernel);
    } catch (IOException | RuntimeException e) {
      observer.note("no symbols from " + kernel + ": " + e.getMessage());
    }
    final Symbolizer sym = symbolizer;
    FunctionNames names = ip -> symbols.nameOf(ip);
    LiveProfile profile =
        new LiveProfile(names, REFRESH_MILLIS, (tree, n) -> observer.profile(tree, n));
    timeline.addListener((t, from, to) -> publishTimeline(false));
    try {
      dir = Files.createTempDirectory("uniscope-ui-");
      BootOptions boot = new BootOptions(BootOptions.parseGroups(GROUPS), PROFILE_HZ, false);
      SessionConfig config =
          SessionConfig.of(kernel, app, boot, dir.resolve("live.uscope"))
              .withTimeout(java.time.Duration.ofMinutes(10))
              .withVsock(vsock);
      SessionListener listener =
          new SessionListener() {
            @Override
            public void consoleLine(String line) {
              observer.consoleLine(line);
            }

            @Override
            public void hello(Hello hello) {
              onHello(hello, sym);
            }

            @Override
            public void progress(TraceSession.Snapshot stats, long elapsed, long total) {
              observer.progress(
                  -1,
                  String.format(
                      java.util.Locale.ROOT,
                      "%.1f s, %,d pages, %,d records",
                      elapsed / 1e9,
                      stats.pages(),
                      stats.records()));
            }

            @Override
            public void note(String message) {
              observer.note(message);
            }
          };
      Session s = Session.launch(config, listener);
      session = s;
      if (closed) {
        s.close();
        return;
      }
      // Subscriptions end with the session; both sinks are dropped with it.
      s.models().subscribe(timeline);
      s.models().subscribe(profile);
      observer.state(new VmState.Running());
      SessionResult result = s.await();
      profile.publishNow();
      publishTimeline(true);
      observer.state(new VmState.Ended(result.outcome()));
    } catch (InterruptedException e) {
      observer.state(new VmState.Failed("interrupted"));
    } catch (Exception e) {
      observer.state(new VmState.Failed(e.getMessage() == null ? e.toString() : e.getMessage()));
    } finally {
      close();
    }
  }

  private void onHello(Hello hello, Symbolizer sym) {
    if (hello.layout().length == 0) {
      return;
    }
    try {
      LayoutBlock block = LayoutBlock.parse(hello.layout());
      Slide slide = block.slide(Slide.Origin.HELLO_RECORD).orElse(Slide.NONE);
      Boolean matches = sym == null ? null : block.matches(sym);
      symbols = new Symbols(sym, slide, kernel, matches, sym == null ? "no symbols" : "");
      observer.layout(block);
    } catch (MalformedBinaryException e) {
      observer.note("layout block in the hello: " + e.getMessage());
    }
  }

  private void publishTimeline(boolean force) {
    long now = System.nanoTime();
    synchronized (timeline) {
      if (!force && now - lastTimeline < REFRESH_MILLIS * 1_000_000L) {
        return;
      }
      lastTimeline = now;
    }
    observer.timeline(TimelineSnapshot.of(timeline));
  }

  /** Kills QEMU if it runs and removes the temporary capture. Safe from any thread, repeatable. */
  @Override
  public void close() {
    closed = true;
    Session s = session;
    if (s != null) {
      s.close();
    }
    Path d = dir;
    if (d != null && (thread == null || !thread.isAlive() || Thread.currentThread() == thread)) {
      deleteTree(d);
    }
  }

  /** Waits for the VM thread (bounded), after {@link #close()}. */
  public void join(long millis) throws InterruptedException {
    Thread t = thread;
    if (t != null) {
      t.join(millis);
    }
  }

  private static void deleteTree(Path d) {
    if (!Files.exists(d)) {
      return;
    }
    try (Stream<Path> s = Files.walk(d)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary file is harmless.
    }
  }
}
