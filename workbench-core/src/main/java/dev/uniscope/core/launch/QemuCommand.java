package dev.uniscope.core.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The QEMU command line for one boot of the kernel, as an argument array (never a shell string).
 * Endpoints are Unix sockets whose paths the caller chooses, normally in a private 0700 directory,
 * with QEMU as the listening side ({@code server=on,wait=off}).
 *
 * <p>Devices every boot gets: {@code isa-debug-exit} at port 0xf4 (the app's exit status), {@code
 * pvpanic} (the guest signals a panic), and {@code vmcoreinfo} (dumps carry the layout block).
 */
public record QemuCommand(
    String qemu,
    Path kernel,
    String append,
    int smp,
    String memory,
    Com1 com1,
    Path dataSocket,
    Path gdbSocket,
    Path qmpSocket,
    boolean paused,
    List<String> extra) {

  /** Where COM1, the human console, goes. */
  public sealed interface Com1 {
    /** QEMU's standard output. */
    record Stdio() implements Com1 {}

    /** A listening Unix socket. */
    record Socket(Path path) implements Com1 {}

    /** A file QEMU writes. */
    record File(Path path) implements Com1 {}
  }

  public QemuCommand {
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(com1, "com1");
    if (smp < 1 || smp > 8) {
      throw new IllegalArgumentException("--smp must be between 1 and 8, got " + smp);
    }
    append = append == null ? "" : append;
    extra = List.copyOf(extra);
  }

  /** A command with the defaults: 512 MiB, one vCPU, COM1 on stdio, no endpoints. */
  public static QemuCommand of(Path kernel, String append) {
    return new QemuCommand(
        "qemu-system-x86_64",
        kernel,
        append,
        1,
        "512M",
        new Com1.Stdio(),
        null,
        null,
        null,
        false,
        List.of());
  }

  public QemuCommand withSmp(int n) {
    return new QemuCommand(
        qemu, kernel, append, n, memory, com1, dataSocket, gdbSocket, qmpSocket, paused, extra);
  }

  public QemuCommand withMemory(String m) {
    return new QemuCommand(
        qemu, kernel, append, smp, m, com1, dataSocket, gdbSocket, qmpSocket, paused, extra);
  }

  public QemuCommand withCom1(Com1 c) {
    return new QemuCommand(
        qemu, kernel, append, smp, memory, c, dataSocket, gdbSocket, qmpSocket, paused, extra);
  }

  public QemuCommand withDataSocket(Path p) {
    return new QemuCommand(
        qemu, kernel, append, smp, memory, com1, p, gdbSocket, qmpSocket, paused, extra);
  }

  public QemuCommand withGdbSocket(Path p) {
    return new QemuCommand(
        qemu, kernel, append, smp, memory, com1, dataSocket, p, qmpSocket, paused, extra);
  }

  public QemuCommand withQmpSocket(Path p) {
    return new QemuCommand(
        qemu, kernel, append, smp, memory, com1, dataSocket, gdbSocket, p, paused, extra);
  }

  public QemuCommand withPaused(boolean p) {
    return new QemuCommand(
        qemu, kernel, append, smp, memory, com1, dataSocket, gdbSocket, qmpSocket, p, extra);
  }

  public QemuCommand withExtra(List<String> args) {
    List<String> all = new ArrayList<>(extra);
    all.addAll(args);
    return new QemuCommand(
        qemu, kernel, append, smp, memory, com1, dataSocket, gdbSocket, qmpSocket, paused, all);
  }

  /** The argument array, program first. */
  public List<String> argv() {
    List<String> c = new ArrayList<>();
    c.add(qemu);
    // TCG always: it behaves the same on every machine (nested KVM here only takes qemu64).
    c.addAll(List.of("-machine", "q35", "-accel", "tcg", "-cpu", "max"));
    c.addAll(List.of("-m", memory, "-smp", Integer.toString(smp)));
    c.addAll(List.of("-display", "none", "-no-reboot", "-nodefaults"));
    c.addAll(List.of("-kernel", kernel.toString(), "-append", append));
    c.addAll(List.of("-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"));
    c.addAll(List.of("-device", "pvpanic", "-device", "vmcoreinfo"));
    c.addAll(List.of("-chardev", com1Spec(), "-serial", "chardev:com1"));
    if (dataSocket != null) {
      c.addAll(List.of("-chardev", socket("data", dataSocket), "-serial", "chardev:data"));
    }
    if (gdbSocket != null) {
      c.addAll(List.of("-chardev", socket("gdb", gdbSocket), "-gdb", "chardev:gdb"));
    }
    if (qmpSocket != null) {
      c.addAll(List.of("-chardev", socket("qmp", qmpSocket), "-mon", "chardev=qmp,mode=control"));
    }
    if (paused) {
      c.add("-S");
    }
    c.addAll(extra);
    return c;
  }

  private String com1Spec() {
    return switch (com1) {
      case Com1.Stdio s -> "stdio,id=com1,signal=off";
      case Com1.Socket s -> socket("com1", s.path());
      case Com1.File f -> "file,id=com1,path=" + checked(f.path());
    };
  }

  private static String socket(String id, Path path) {
    return "socket,id=" + id + ",path=" + checked(path) + ",server=on,wait=off";
  }

  /** QEMU's option syntax splits on commas; a path with one would be misread, so refuse it. */
  private static String checked(Path p) {
    String s = p.toString();
    if (s.indexOf(',') >= 0) {
      throw new IllegalArgumentException("QEMU cannot take a path containing a comma: " + s);
    }
    return s;
  }
}
