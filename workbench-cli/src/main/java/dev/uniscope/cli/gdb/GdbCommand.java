package dev.uniscope.cli.gdb;

import dev.uniscope.cli.ExitCodes;
import dev.uniscope.core.launch.KernelImage;
import dev.uniscope.core.launch.QemuCommand;
import dev.uniscope.core.launch.QemuProcess;
import dev.uniscope.gdbstub.mux.RspMultiplexer;
import dev.uniscope.gdbstub.rsp.AddressSpace;
import dev.uniscope.gdbstub.rsp.RspClient;
import dev.uniscope.gdbstub.rsp.RspEndpoint;
import dev.uniscope.gdbstub.rsp.RspOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code uniscope gdb}: holds QEMU's single gdb-stub connection, serves it again through the
 * workbench's multiplexer, and prints the gdb command line that attaches through it with the
 * kernel's symbols shifted by this boot's KASLR slide (read from the layout block at physical
 * 0x200000).
 */
@Command(
    name = "gdb",
    mixinStandardHelpOptions = true,
    description =
        "Share the gdb stub: print the gdb command line (KASLR slide applied) and serve it.")
public final class GdbCommand implements Callable<Integer> {

  static final long LAYOUT_PHYS = 0x200000;
  static final Pattern APP_START = Pattern.compile("(?m)^app: start ");

  @Spec CommandSpec spec;

  @Option(
      names = "--attach",
      description =
          "QEMU's gdb stub: unix:PATH, a socket path, or HOST:PORT. Default: boot the kernel.")
  String attach;

  @Option(names = "--kernel", description = "Kernel ELF for symbols (default: the shipped one).")
  Path kernel;

  @Option(
      names = "--listen",
      description =
          "Where gdb connects: a socket path or 127.0.0.1:PORT (default: private socket).")
  String listen;

  @Option(
      names = "--slide",
      description = "KASLR slide in hex, instead of reading the layout block.")
  String slide;

  @Option(
      names = "--app",
      defaultValue = "threads",
      description = "App when booting (default: ${DEFAULT-VALUE}).")
  String app;

  @Option(
      names = "--smp",
      defaultValue = "2",
      description = "vCPUs when booting (default: ${DEFAULT-VALUE}).")
  int smp;

  @Option(
      names = "--append",
      defaultValue = "",
      description = "Extra kernel command line when booting.")
  String append;

  @Option(names = "--once", description = "Exit when the first gdb session ends.")
  boolean once;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path elf = KernelImage.locate(kernel);
    QemuProcess qemu = null;
    try {
      RspEndpoint stub;
      if (attach != null) {
        stub = RspEndpoint.parse(attach);
      } else {
        qemu = boot(elf);
        stub = new RspEndpoint.Unix(qemu.command().gdbSocket());
      }
      try (RspClient client =
              RspClient.connect(
                  stub, RspOptions.defaults().withRequestTimeout(Duration.ofSeconds(60)));
          RspMultiplexer mux =
              listen == null
                  ? RspMultiplexer.start(client)
                  : RspMultiplexer.start(client, RspEndpoint.parse(listen))) {
        long s = slide != null ? Long.parseUnsignedLong(strip0x(slide), 16) : readSlide(client);
        List<String> gdb =
            List.of(
                "gdb",
                "-nx",
                "-ex",
                "symbol-file -o 0x" + Long.toHexString(s) + " " + elf.toAbsolutePath(),
                "-ex",
                "target remote " + mux.gdbTarget());
        out.println(String.join(" ", gdb.stream().map(GdbCommand::shellQuote).toList()));
        out.flush();
        CompletableFuture<Void> done = client.connection().closeFuture();
        if (once) {
          CompletableFuture<Void> left = new CompletableFuture<>();
          mux.onGdbAttached(
              attached -> {
                if (!attached) {
                  left.complete(null);
                }
              });
          done = CompletableFuture.anyOf(done, left).thenApply(x -> null);
        }
        done.get();
        return ExitCodes.OK;
      }
    } finally {
      if (qemu != null) {
        qemu.close();
      }
    }
  }

  private QemuProcess boot(Path elf) throws Exception {
    Path dir = QemuProcess.privateDir("uniscope-gdb");
    Path sock = dir.resolve("gdb.sock");
    String cmdline = ("app=" + app + " " + append).trim();
    QemuCommand cmd = QemuCommand.of(elf, cmdline).withSmp(smp).withGdbSocket(sock);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    CompletableFuture<Void> started = new CompletableFuture<>();
    QemuProcess q =
        QemuProcess.start(
            cmd,
            bytes -> {
              System.err.write(bytes, 0, bytes.length);
              synchronized (console) {
                if (console.size() < (1 << 20)) {
                  console.writeBytes(bytes);
                }
                if (APP_START.matcher(console.toString(StandardCharsets.UTF_8)).find()) {
                  started.complete(null);
                }
              }
            },
            bytes -> System.err.write(bytes, 0, bytes.length));
    try {
      q.awaitSocket(sock, Duration.ofMinutes(1));
      // The layout block is valid once the app starts.
      started.get(5, TimeUnit.MINUTES);
      return q;
    } catch (Exception e) {
      q.close();
      throw e;
    }
  }

  /** Reads {@code slide} from the kernel's layout block (docs/kaslr.md). */
  static long readSlide(RspClient client) {
    byte[] b =
        RspClient.await(
            client.readMemory(AddressSpace.PHYSICAL, LAYOUT_PHYS, 128), Duration.ofSeconds(60));
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    String magic = new String(b, 0, 8, StandardCharsets.US_ASCII);
    if (!magic.equals("USCOPELY")) {
      throw new IllegalArgumentException(
          "no Uniscope layout block at physical 0x200000 (is this the Uniscope kernel?); pass --slide");
    }
    if (bb.getInt(8) != 1 || bb.getInt(16) != 1) {
      throw new IllegalArgumentException(
          "the layout block is not valid yet (version "
              + bb.getInt(8)
              + ", state "
              + bb.getInt(16)
              + "); pass --slide");
    }
    return bb.getLong(72);
  }

  private static String strip0x(String s) {
    return s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
  }

  static String shellQuote(String s) {
    if (s.matches("[A-Za-z0-9_./:=+-]+")) {
      return s;
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
