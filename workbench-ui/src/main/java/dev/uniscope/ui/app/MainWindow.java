package dev.uniscope.ui.app;

import dev.uniscope.core.symbols.LayoutBlock;
import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.ui.capture.FileLoader;
import dev.uniscope.ui.capture.OpenedFile;
import dev.uniscope.ui.console.ConsoleBuffer;
import dev.uniscope.ui.console.ConsolePane;
import dev.uniscope.ui.flame.FlamePane;
import dev.uniscope.ui.flame.KnownAnswer;
import dev.uniscope.ui.layout.ConsoleLayout;
import dev.uniscope.ui.layout.LayoutInfo;
import dev.uniscope.ui.layout.LayoutPane;
import dev.uniscope.ui.timeline.TimelinePane;
import dev.uniscope.ui.timeline.TimelineSnapshot;
import dev.uniscope.ui.vm.LiveRun;
import dev.uniscope.ui.vm.VmState;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.SplitPane;
import javafx.scene.control.ToolBar;
import javafx.scene.layout.BorderPane;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * The main window's content: console and KASLR layout on the left, flame graph and timeline on the
 * right, status bar below; fed by a {@link LiveRun} or a file opened with {@link FileLoader}. All
 * methods run on the FX thread; background results arrive through {@link Platform#runLater}.
 */
final class MainWindow {
  /** Console lines kept in the pane. */
  static final int CONSOLE_LINES = 5000;

  private final ConsoleBuffer console = new ConsoleBuffer(CONSOLE_LINES);
  private final ConsolePane consolePane = new ConsolePane(console);
  private final LayoutPane layoutPane = new LayoutPane();
  private final FlamePane flamePane = new FlamePane();
  private final TimelinePane timelinePane = new TimelinePane();
  private final StatusBar status = new StatusBar();
  private final Button stop = new Button("Stop VM");
  private final BorderPane root = new BorderPane();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  // Fed on QEMU's console thread; read on the FX thread through layoutFromConsole().
  private final ConsoleLayout consoleLayout = new ConsoleLayout();
  private LayoutInfo blockLayout = LayoutInfo.EMPTY;
  private LiveRun live;
  // Set when an opened file took over a view, so a live run no longer repaints it.
  private boolean fileFlame;
  private boolean fileTimeline;
  private String mode = "none";
  private String transport = "";
  private Path kernel;

  MainWindow() {
    Button open = new Button("Open capture or folded stacks\u2026");
    open.setOnAction(e -> chooseFile(root.getScene().getWindow()));
    stop.setDisable(true);
    stop.setOnAction(e -> stopVm());
    root.setTop(new ToolBar(open, stop));
    SplitPane left = new SplitPane(consolePane, layoutPane);
    left.setOrientation(Orientation.VERTICAL);
    left.setDividerPositions(0.58);
    SplitPane right = new SplitPane(flamePane, timelinePane);
    right.setOrientation(Orientation.VERTICAL);
    right.setDividerPositions(0.55);
    SplitPane main = new SplitPane(left, right);
    main.setDividerPositions(0.42);
    root.setCenter(main);
    root.setBottom(status);
  }

  BorderPane root() {
    return root;
  }

  /** Completes when the content is final: the VM has ended, or the file is loaded (or failed). */
  CompletableFuture<Void> ready() {
    return ready;
  }

  /** Boots {@code app} on {@code kernelElf} and shows it live, traced over vsock or COM2. */
  void bootLive(Path kernelElf, String app, boolean vsock) {
    mode = "live";
    transport = vsock ? "vsock" : "serial";
    kernel = kernelElf;
    status.message("booting " + app + " on " + kernelElf);
    status.busy(-1, this::stopVm);
    stop.setDisable(false);
    live = new LiveRun(kernelElf, app, vsock, new LiveObserver());
    live.start();
  }

  /** Shows a failure to start at all (no kernel, bad arguments) and ends the wait. */
  void fail(String message) {
    status.vm(new VmState.Failed(message));
    status.message(message);
    ready.complete(null);
  }

  private void stopVm() {
    if (live != null) {
      status.message("stopping the VM\u2026");
      live.stop();
    }
  }

  private void chooseFile(Window owner) {
    FileChooser chooser = new FileChooser();
    chooser.setTitle("Open a capture or folded stacks");
    chooser
        .getExtensionFilters()
        .addAll(
            new FileChooser.ExtensionFilter(
                "Captures and folded stacks", "*.uscope", "*.folded", "*.txt"),
            new FileChooser.ExtensionFilter("All files", "*"));
    File f = chooser.showOpenDialog(owner);
    if (f != null) {
      open(f.toPath(), kernel);
    }
  }

  /** Loads a capture or folded-stacks file off the FX thread, with progress and cancel. */
  void open(Path file, Path kernelElf) {
    kernel = kernelElf;
    if (!"live".equals(mode)) {
      mode = "file";
    }
    Task<OpenedFile> task =
        new Task<>() {
          @Override
          protected OpenedFile call() throws Exception {
            return FileLoader.load(
                file,
                kernelElf,
                (phase, fraction) -> {
                  updateMessage("loading " + file.getFileName() + ": " + phase);
                  updateProgress(fraction, 1.0);
                },
                this::isCancelled);
          }
        };
    task.messageProperty().addListener((o, a, b) -> status.message(b));
    task.progressProperty()
        .addListener((o, a, b) -> status.busy(b.doubleValue(), () -> task.cancel(false)));
    status.busy(0, () -> task.cancel(false));
    task.setOnSucceeded(
        e -> {
          status.idle();
          show(task.getValue());
          ready.complete(null);
        });
    task.setOnFailed(
        e -> {
          status.idle();
          Throwable t = task.getException();
          status.message(
              t instanceof CancellationException
                  ? "loading cancelled"
                  : "cannot open " + file + ": " + t.getMessage());
          ready.complete(null);
        });
    task.setOnCancelled(
        e -> {
          status.idle();
          status.message("loading cancelled");
          ready.complete(null);
        });
    Thread.ofPlatform().name("uniscope-load").daemon().start(task);
  }

  private void show(OpenedFile f) {
    switch (f) {
      case OpenedFile.Capture c -> {
        mode = "capture";
        fileFlame = true;
        fileTimeline = true;
        flamePane.show(
            c.flame(), "capture " + c.file().getFileName() + ", " + c.samples() + " samples");
        timelinePane.show(c.timeline());
        blockLayout = c.layout();
        for (String line : c.console()) {
          console.add(line);
          knownAnswer(line);
          synchronized (consoleLayout) {
            consoleLayout.accept(ConsoleBuffer.sanitize(line));
          }
        }
        layoutPane.show(blockLayout.orElse(consoleLayoutInfo()));
        consolePane.refresh();
        List<String> msg = new ArrayList<>();
        msg.add("opened " + c.file());
        if (!c.outcome().isEmpty()) {
          msg.add("recorded run: " + c.outcome());
        }
        msg.addAll(c.notes());
        status.message(String.join("; ", msg));
      }
      case OpenedFile.Folded fo -> {
        fileFlame = true;
        if (!"live".equals(mode)) {
          mode = "folded";
        }
        flamePane.show(
            fo.flame(), "folded " + fo.file().getFileName() + ", " + fo.samples() + " samples");
        status.message(
            "opened "
                + fo.file()
                + (fo.ignoredLines() > 0
                    ? "; ignored " + fo.ignoredLines() + " malformed lines"
                    : ""));
      }
    }
  }

  /** The live run's reports, moved onto the FX thread. */
  private final class LiveObserver implements LiveRun.Observer {
    @Override
    public void state(VmState state) {
      Platform.runLater(
          () -> {
            status.vm(state);
            if (state.terminal()) {
              status.idle();
              stop.setDisable(true);
              consolePane.refresh();
              layoutPane.show(blockLayout.orElse(consoleLayoutInfo()));
              status.message("VM " + state.label());
              ready.complete(null);
            }
          });
    }

    @Override
    public void consoleLine(String line) {
      console.add(line);
      if (line.contains(": known-answer ")) {
        Platform.runLater(() -> knownAnswer(line));
      }
      boolean changed;
      synchronized (consoleLayout) {
        changed = consoleLayout.accept(ConsoleBuffer.sanitize(line));
      }
      if (changed) {
        Platform.runLater(() -> layoutPane.show(blockLayout.orElse(consoleLayoutInfo())));
      }
    }

    @Override
    public void layout(LayoutBlock block) {
      LayoutInfo info = LayoutInfo.of(block);
      Platform.runLater(
          () -> {
            if (!fileTimeline) {
              blockLayout = info;
              layoutPane.show(blockLayout.orElse(consoleLayoutInfo()));
            }
          });
    }

    @Override
    public void timeline(TimelineSnapshot snapshot) {
      Platform.runLater(
          () -> {
            if (!fileTimeline) {
              timelinePane.show(snapshot);
            }
          });
    }

    @Override
    public void profile(StackTree tree, long samples) {
      Platform.runLater(
          () -> {
            if (!fileFlame) {
              flamePane.show(tree, "live profile, " + samples + " samples");
            }
          });
    }

    @Override
    public void note(String message) {
      Platform.runLater(() -> status.message(message));
    }

    @Override
    public void progress(double fraction, String text) {
      Platform.runLater(
          () -> {
            if (!status.vmState().terminal()) {
              status.busy(fraction, MainWindow.this::stopVm);
              status.message(text);
            }
          });
    }
  }

  private void knownAnswer(String line) {
    KnownAnswer k = KnownAnswer.parse(ConsoleBuffer.sanitize(line));
    if (k != null) {
      flamePane.knownAnswer(k);
    }
  }

  private LayoutInfo consoleLayoutInfo() {
    synchronized (consoleLayout) {
      return consoleLayout.info();
    }
  }

  /** Brings coalesced views up to date before a snapshot. */
  void flushViews() {
    consolePane.refresh();
  }

  /** What the panes hold, for the screenshot's sidecar. */
  UiState state(int width, int height, boolean complete) {
    return UiState.of(
        width,
        height,
        complete,
        mode,
        transport,
        status.vmState(),
        status.messageText(),
        console,
        layoutPane.shown(),
        flamePane.model(),
        flamePane.knownAnswerText(),
        timelinePane.snapshot());
  }

  /** Kills the VM (if any); called when the window closes. */
  void close() {
    if (live != null) {
      live.close();
    }
  }

  /** Waits (bounded) for the VM thread after {@link #close()}. */
  void awaitClosed(long millis) throws InterruptedException {
    if (live != null) {
      live.join(millis);
    }
  }
}
