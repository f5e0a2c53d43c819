package dev.uniscope.tests.heap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The leak scan on {@code leaky}: with heap tracking on, leaky scans at its end and the report must
 * equal its documented ground truth exactly (docs/app-api.md and kernel/apps/leaky.c): every leak
 * site with its size and count, and none of the three reachable non-leaks (global, another thread's
 * stack, interior pointer) reported.
 */
class LeakScanTest {

  /** leaky's documented leaks: site function -> {size, count}. */
  static final Map<String, long[]> GROUND_TRUTH =
      Map.of(
          "leak_small", new long[] {64, 16},
          "leak_pages", new long[] {4096, 4},
          "leak_big", new long[] {100000, 1});

  @ParameterizedTest(name = "leaky heap={0} -smp {1}")
  @CsvSource({"track,1", "track,4", "debug,4"})
  @Timeout(400)
  void leakyScanEqualsGroundTruth(String mode, int smp) throws Exception {
    HeapRun run = HeapRun.boot("app=leaky heap=" + mode, smp);
    run.line("^heapdebug: mode=" + mode + " ");
    long expectLeaks = 0;
    long expectBytes = 0;
    for (long[] sc : GROUND_TRUTH.values()) {
      expectBytes += sc[0] * sc[1];
      expectLeaks += sc[1];
    }
    // The app's own known-answer line agrees with the table above.
    run.line(
        "^leaky: known-answer leaks="
            + expectLeaks
            + " leaked_bytes="
            + expectBytes
            + " sites=leak_small:16x64,leak_pages:4x4096,leak_big:1x100000 ");

    // Sites: exactly the documented ones, nothing else.
    Map<String, long[]> sites = new HashMap<>();
    for (Matcher m :
        run.all("^leakscan: site fn=(\\S+) size=(\\d+) count=(\\d+) bytes=(\\d+) stack=(\\d+)$")) {
      long size = Long.parseLong(m.group(2));
      long count = Long.parseLong(m.group(3));
      assertThat(Long.parseLong(m.group(4))).as("%s", run).isEqualTo(size * count);
      assertThat(Long.parseLong(m.group(5))).as("stack id; %s", run).isPositive();
      assertThat(sites.put(m.group(1), new long[] {size, count}))
          .as("site %s twice; %s", m.group(1), run)
          .isNull();
    }
    assertThat(sites.keySet()).as("%s", run).isEqualTo(GROUND_TRUTH.keySet());
    for (var e : GROUND_TRUTH.entrySet()) {
      assertThat(sites.get(e.getKey())).as("site %s; %s", e.getKey(), run).isEqualTo(e.getValue());
    }

    // Objects: one report per leaked object, its stack starting in the leaking function and
    // going through leaky_main; none of the non-leak sizes (256, 512, 1024) appears.
    List<String> objectFns = new ArrayList<>();
    List<Long> objectSizes = new ArrayList<>();
    List<String> lines = run.lines();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m =
          java.util.regex.Pattern.compile(
                  "^leakscan: unreferenced object 0x[0-9a-f]+ size=(\\d+) age_ms=(\\d+) tid=\\d+"
                      + " stack=\\d+$")
              .matcher(lines.get(i));
      if (!m.find()) {
        continue;
      }
      objectSizes.add(Long.parseLong(m.group(1)));
      assertThat(Long.parseLong(m.group(2))).as("age; %s", run).isGreaterThanOrEqualTo(1000);
      Matcher f0 =
          java.util.regex.Pattern.compile("^leakscan:   #0 0x[0-9a-f]+ (\\w+)\\+0x[0-9a-f]+$")
              .matcher(i + 1 < lines.size() ? lines.get(i + 1) : "");
      assertThat(f0.find()).as("frame #0 after %s; %s", lines.get(i), run).isTrue();
      objectFns.add(f0.group(1));
      Matcher f1 =
          java.util.regex.Pattern.compile("^leakscan:   #1 0x[0-9a-f]+ leaky_main\\+0x")
              .matcher(i + 2 < lines.size() ? lines.get(i + 2) : "");
      assertThat(f1.find()).as("frame #1 after %s; %s", lines.get(i), run).isTrue();
    }
    assertThat(objectSizes).as("%s", run).hasSize((int) expectLeaks);
    assertThat(objectSizes).doesNotContain(256L, 512L, 1024L);
    for (var e : GROUND_TRUTH.entrySet()) {
      long n = objectFns.stream().filter(e.getKey()::equals).count();
      assertThat(n).as("objects from %s; %s", e.getKey(), run).isEqualTo(e.getValue()[1]);
    }
    assertThat(objectSizes.stream().mapToLong(Long::longValue).sum()).isEqualTo(expectBytes);

    run.line("^leakscan: end id=1 leaks=" + expectLeaks + " leaked_bytes=" + expectBytes + " ");
    run.line("^leaky: scan leaks=" + expectLeaks + " leaked_bytes=" + expectBytes + " status=0$");
    run.line("^app: exit name=leaky status=0$");
    assertThat(run.exit().guestCode()).as("%s", run).contains(0);
  }
}
