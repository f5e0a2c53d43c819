package dev.uniscope.core.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the data channel does not carry, kept beside the capture ({@code CAPTURE.run.json}) so
 * {@code uniscope report} can tell how the run ended: the outcome, the app's exit status, the panic
 * reason, the dump, and the console's tail.
 *
 * @param kernel the kernel ELF that was booted (absolute path), for symbols
 * @param outcome {@link SessionOutcome#kind()}
 * @param exitStatus the app's status when it exited, else -1
 * @param panicReason the console's panic line, or empty
 * @param dump the memory dump's file name (beside the capture), or empty
 */
public record RunRecord(
    String app,
    String kernel,
    String cmdline,
    int smp,
    String outcome,
    int exitStatus,
    String panicReason,
    String dump,
    long durationNanos,
    List<String> console) {
  public static final int VERSION = 1;

  /** Largest run record read back (it is a small file; anything bigger is not ours). */
  static final long MAX_BYTES = 4L << 20;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  public RunRecord {
    console = List.copyOf(console);
  }

  /**
   * How the run ended, in words, for the CLI summary and the HTML report (which escape it: the
   * panic reason is guest text).
   */
  public String outcomeText() {
    return switch (outcome) {
      case "exited" -> "exited with status " + exitStatus;
      case "panicked" -> "PANIC: " + panicReason;
      case "stopped" -> "stopped after the requested duration";
      case "timeout" -> "timed out";
      case "cancelled" -> "cancelled (interrupted before the app ended)";
      case "guest-rebooted" -> "the guest rebooted";
      case "qemu-died" -> "QEMU exited before the app ended (killed or crashed)";
      default -> outcome;
    };
  }

  public static Path fileFor(Path capture) {
    return capture.resolveSibling(capture.getFileName() + ".run.json");
  }

  static RunRecord of(
      SessionConfig cfg, String startedApp, SessionOutcome o, long nanos, List<String> console) {
    int status = o instanceof SessionOutcome.AppExited(int s) ? s : -1;
    String reason = o instanceof SessionOutcome.Panicked p ? p.reason() : "";
    String dump =
        o instanceof SessionOutcome.Panicked p && p.dump() != null
            ? p.dump().getFileName().toString()
            : "";
    return new RunRecord(
        cfg.app().isEmpty() ? startedApp : cfg.app(),
        cfg.kernel().toAbsolutePath().toString(),
        cfg.cmdline(),
        cfg.smp(),
        o.kind(),
        status,
        reason,
        dump,
        nanos,
        console);
  }

  public void write(Path file) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("version", VERSION);
    n.put("app", app);
    n.put("kernel", kernel);
    n.put("cmdline", cmdline);
    n.put("smp", smp);
    n.put("outcome", outcome);
    n.put("exit_status", exitStatus);
    n.put("panic_reason", panicReason);
    n.put("dump", dump);
    n.put("duration_ns", durationNanos);
    ArrayNode lines = n.putArray("console");
    console.forEach(lines::add);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      JSON.writerWithDefaultPrettyPrinter().writeValue(out, n);
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Reads a run record; a missing file is empty, a damaged one an {@link IOException} naming it.
   */
  public static java.util.Optional<RunRecord> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return java.util.Optional.empty();
    }
    if (Files.size(file) > MAX_BYTES) {
      throw new IOException(file + ": run record larger than " + MAX_BYTES + " bytes");
    }
    try (InputStream in = Files.newInputStream(file)) {
      JsonNode n = JSON.readTree(in);
      List<String> console = new ArrayList<>();
      n.path("console").forEach(l -> console.add(l.asString("")));
      return java.util.Optional.of(
          new RunRecord(
              n.path("app").asString(""),
              n.path("kernel").asString(""),
              n.path("cmdline").asString(""),
              n.path("smp").asInt(0),
              n.path("outcome").asString("unknown"),
              n.path("exit_status").asInt(-1),
              n.path("panic_reason").asString(""),
              n.path("dump").asString(""),
              n.path("duration_ns").asLong(0),
              console));
    } catch (JacksonException e) {
      throw new IOException(file + ": not a run record: " + e.getOriginalMessage(), e);
    }
  }
}
