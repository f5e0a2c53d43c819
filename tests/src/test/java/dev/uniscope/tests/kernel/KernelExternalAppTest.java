package dev.uniscope.tests.kernel;

import dev.uniscope.tests.harness.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code make APP=file.c} links an app written against docs/app-api.md, from anywhere. */
class KernelExternalAppTest {
  static final String APP =
      """
      #include "app.h"

      static struct mutex lock = MUTEX_INIT;
      static uint64_t total;

      static void add(void *arg)
      {
          uint64_t n = (uint64_t)arg;
          for (uint64_t i = 1; i <= n; i++) {
              mutex_lock(&lock);
              total += i;
              mutex_unlock(&lock);
          }
          sleep_ms(2);
      }

      static int ext_main(const char *args)
      {
          (void)args;
          void *p = kmalloc(100);
          struct thread *a = thread_create("ext/a", add, (void *)100, -1);
          struct thread *b = thread_create("ext/b", add, (void *)200, -1);
          thread_join(a);
          thread_join(b);
          kfree(p);
          trace_marker("ext: done");
          printk("ext: result total=%lu\\n", total);
          return 23;
      }

      APP_DEFINE(ext, ext_main, "external test app");
      """;

  @Test
  @Timeout(600)
  void externalAppBuildsAndRuns(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("ext_app.c");
    Files.writeString(src, APP);
    Path build = dir.resolve("build");
    Kernel.make(List.of("APP=" + src, "BUILD=" + build));
    KernelRun run = KernelRun.boot(build.resolve("uniscope.elf"), "", 2);
    run.line("^app: start name=ext cpus=2");
    run.line("^ext: result total=25150"); // 100*101/2 + 200*201/2
    run.assertAppExit("ext", 23);
  }
}
