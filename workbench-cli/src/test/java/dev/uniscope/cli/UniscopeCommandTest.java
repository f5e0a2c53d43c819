package dev.uniscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class UniscopeCommandTest {
  record Result(int code, String out, String err) {}

  /** Runs the CLI in-process, capturing what it writes to System.out and System.err. */
  static Result run(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = UniscopeCommand.execute(args);
      System.out.flush();
      System.err.flush();
      return new Result(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void helpListsEverySubcommandAndEachOneHasHelp() {
    Result r = run("--help");
    assertThat(r.code()).isZero();
    CommandLine cl = new CommandLine(new UniscopeCommand());
    assertThat(cl.getSubcommands()).isNotEmpty();
    for (String name : cl.getSubcommands().keySet()) {
      assertThat(r.out()).contains(name);
      if (!name.equals("help")) {
        assertThat(run(name, "--help").code()).as(name + " --help").isZero();
      }
    }
  }

  @Test
  void unknownCommandIsAUsageError() {
    Result r = run("frobnicate");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("frobnicate");
  }

  @Test
  void runWithAMissingKernelSaysWhichFile() {
    Result r = run("run", "--kernel", "/nonexistent/uniscope.elf");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("/nonexistent/uniscope.elf");
  }

  @Test
  void runRejectsAnImpossibleCpuCount(@TempDir Path dir) throws Exception {
    Path kernel = Files.createFile(dir.resolve("uniscope.elf"));
    Result r = run("run", "--smp", "9", "--kernel", kernel.toString());
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("between 1 and 8");
  }
}
