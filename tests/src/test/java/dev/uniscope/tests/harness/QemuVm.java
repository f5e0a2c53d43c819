package dev.uniscope.tests.harness;

import dev.uniscope.core.launch.QemuCommand;
import dev.uniscope.core.launch.QemuProcess;
import dev.uniscope.core.launch.QemuProcess.ExitStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * One QEMU running the kernel, for end-to-end tests, on the workbench's own launcher ({@link
 * QemuCommand}, {@link QemuProcess}). Endpoints (gdb stub, QMP, COM2) are Unix sockets in a private
 * 0700 directory; COM1 is QEMU's stdout, collected in {@link #console()}. {@link #close()} always
 * kills QEMU; use try-with-resources.
 *
 * <pre>{@code
 * try (QemuVm vm = QemuVm.builder().append("app=spin").smp(4).start()) {
 *   vm.console().awaitLine(Pattern.compile("app exit"), Duration.ofMinutes(2));
 * }
 * }</pre>
 */
public final class QemuVm implements AutoCloseable {
  private final Path dir;
  private final ConsoleLog console = new ConsoleLog();
  private final ConsoleLog stderr = new ConsoleLog();
  private final QemuProcess process;

  private QemuVm(Builder b) throws IOException {
    this.dir = QemuProcess.privateDir("uniscope-vm-");
    QemuCommand cmd =
        QemuCommand.of(b.kernel != null ? b.kernel : Kernel.elf(), b.append)
            .withSmp(b.smp)
            .withMemory(b.memory)
            .withPaused(b.paused)
            .withExtra(b.extra);
    if (b.data) {
      cmd = cmd.withDataSocket(dir.resolve("data.sock"));
    }
    if (b.gdb) {
      cmd = cmd.withGdbSocket(dir.resolve("gdb.sock"));
    }
    if (b.qmp) {
      cmd = cmd.withQmpSocket(dir.resolve("qmp.sock"));
    }
    try {
      this.process = QemuProcess.start(cmd, sinkFor(console), sinkFor(stderr));
    } catch (IOException e) {
      QemuProcess.deleteDir(dir);
      throw e;
    }
  }

  /** Feeds a log; the log ends only when QEMU closes the stream, so no output is lost. */
  private static QemuProcess.Sink sinkFor(ConsoleLog log) {
    return new QemuProcess.Sink() {
      @Override
      public void accept(byte[] chunk) {
        log.append(new String(chunk, StandardCharsets.ISO_8859_1));
      }

      @Override
      public void end() {
        log.close();
      }
    };
  }

  public static Builder builder() {
    return new Builder();
  }

  /** COM1, the guest's human console. */
  public ConsoleLog console() {
    return console;
  }

  /** QEMU's own error output (bad options, failed devices). */
  public ConsoleLog qemuStderr() {
    return stderr;
  }

  /** The exact argument array QEMU was started with. */
  public List<String> command() {
    return process.command().argv();
  }

  /** The gdb stub's socket, once QEMU has created it. */
  public Path gdbSocket() throws TimeoutException, InterruptedException {
    return endpoint(process.command().gdbSocket(), "gdb()");
  }

  /** The QMP socket, once QEMU has created it. */
  public Path qmpSocket() throws TimeoutException, InterruptedException {
    return endpoint(process.command().qmpSocket(), "qmp()");
  }

  /** COM2, the data channel (QEMU listens), once QEMU has created it. */
  public Path dataSocket() throws TimeoutException, InterruptedException {
    return endpoint(process.command().dataSocket(), "dataChannel()");
  }

  /** A private directory that lives as long as the VM (dump files, captures). */
  public Path dir() {
    return dir;
  }

  private Path endpoint(Path path, String builderCall)
      throws TimeoutException, InterruptedException {
    if (path == null) {
      throw new IllegalStateException("call " + builderCall + " on the builder to get this socket");
    }
    process.awaitSocket(path, Duration.ofSeconds(60));
    return path;
  }

  /** Waits for QEMU to exit and returns how; the timeout message carries the console. */
  public ExitStatus awaitExit(Duration timeout) throws TimeoutException, InterruptedException {
    return process
        .awaitExit(timeout)
        .orElseThrow(
            () ->
                new TimeoutException(
                    "QEMU still running after "
                        + timeout
                        + "; console was:\n"
                        + console.text()
                        + "\nQEMU stderr:\n"
                        + stderr.text()));
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.close();
    console.close();
    stderr.close();
    QemuProcess.deleteDir(dir);
  }

  /** What to boot and which endpoints to open. */
  public static final class Builder {
    private Path kernel;
    private String append = "";
    private int smp = 1;
    private String memory = "512M";
    private boolean gdb;
    private boolean qmp;
    private boolean data;
    private boolean paused;
    private final List<String> extra = new ArrayList<>();

    /** The image to boot; default {@link Kernel#elf()}. */
    public Builder kernel(Path elf) {
      this.kernel = elf;
      return this;
    }

    /** The kernel command line, e.g. {@code "app=spin nokaslr"}. */
    public Builder append(String cmdline) {
      this.append = cmdline;
      return this;
    }

    public Builder smp(int cpus) {
      this.smp = cpus;
      return this;
    }

    public Builder memory(String size) {
      this.memory = size;
      return this;
    }

    /** QEMU's gdb stub on {@link QemuVm#gdbSocket()}. */
    public Builder gdb() {
      this.gdb = true;
      return this;
    }

    /** QMP on {@link QemuVm#qmpSocket()}. */
    public Builder qmp() {
      this.qmp = true;
      return this;
    }

    /** COM2 (the data channel) on {@link QemuVm#dataSocket()}. */
    public Builder dataChannel() {
      this.data = true;
      return this;
    }

    /** Start with the vCPUs stopped ({@code -S}). */
    public Builder paused() {
      this.paused = true;
      return this;
    }

    /** Further QEMU arguments, each one array element. */
    public Builder extra(String... args) {
      extra.addAll(List.of(args));
      return this;
    }

    public QemuVm start() throws IOException {
      return new QemuVm(this);
    }
  }
}
