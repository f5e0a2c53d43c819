package dev.uniscope.tests.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.cli.UniscopeCommand;
import dev.uniscope.tests.harness.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code run --app-source FILE.c --out}: the kernel is built with the external app, kept beside the
 * capture, and the report symbolizes with it (not with the shipped kernel).
 */
class AppSourceCaptureTest {
  static final String APP =
      """
      #include "app.h"

      static noinline void *ext_leak(void)
      {
          return kmalloc(48);
      }

      static int ext_main(const char *args)
      {
          (void)args;
          volatile void *p = ext_leak();
          (void)p;
          printk("ext: done\\n");
          return 0;
      }

      APP_DEFINE(extcap, ext_main, "capture test app");
      """;

  @TempDir Path dir;

  @Test
  @Timeout(900)
  void externalAppIsBuiltCapturedAndSymbolized() throws Exception {
    Path src = dir.resolve("extcap.c");
    Files.writeString(src, APP);
    Path capture = dir.resolve("out").resolve("ext.uscope");
    assertThat(
            UniscopeCommand.execute(
                "run",
                "--kernel",
                Kernel.elf().toString(),
                "--app-source",
                src.toString(),
                "--trace",
                "sched,alloc",
                "--out",
                capture.toString()))
        .isZero();
    assertThat(dir.resolve("out").resolve("ext.uscope.elf")).isRegularFile();
    Path json = dir.resolve("r.json");
    assertThat(UniscopeCommand.execute("report", capture.toString(), "--json", json.toString()))
        .isZero();
    JsonNode r = CaptureCli.json(json);
    assertThat(r.path("run").path("app").asString()).isEqualTo("extcap");
    assertThat(r.path("kernel").path("elf").asString()).endsWith("ext.uscope.elf");
    assertThat(r.path("kernel").path("elf_matches").asBoolean()).isTrue();
    assertThat(r.path("events").path("by_event").path("alloc").asLong()).isPositive();
  }
}
