package dev.uniscope.tests.heap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * heap=debug catches the deliberate bugs of the {@code heapbugs} app (kernel/apps/heapbugs.c): a
 * redzone overflow, a use-after-free write, a double free and an invalid free, each reported once
 * on the console with the stacks naming the functions that allocated, freed and detected it
 * (docs/app-api.md, "Heap debugging console lines"); the kernel goes on and the app exits 0.
 */
class HeapDebugFindingsTest {

  /** One "heapdebug: BUG ..." report up to "heapdebug: end". */
  record Finding(
      String kind,
      long size,
      long offset,
      List<String> alloc,
      List<String> free,
      List<String> detect) {}

  static final Pattern BUG =
      Pattern.compile(
          "^heapdebug: BUG (\\S+) ptr=0x[0-9a-f]+ size=(\\d+) bad_address=0x[0-9a-f]+"
              + " offset=(-?\\d+) tid=\\d+ cpu=\\d+$");
  static final Pattern SECTION = Pattern.compile("^heapdebug: (alloc|free|detect) stack=(\\d+)");
  static final Pattern FRAME =
      Pattern.compile("^heapdebug:   #\\d+ 0x[0-9a-f]+ (\\w+|\\?)(\\+0x[0-9a-f]+)?$");

  static List<Finding> parse(HeapRun run) {
    List<Finding> out = new ArrayList<>();
    List<String> lines = run.lines();
    for (int i = 0; i < lines.size(); i++) {
      Matcher b = BUG.matcher(lines.get(i));
      if (!b.find()) {
        continue;
      }
      List<String> alloc = new ArrayList<>();
      List<String> free = new ArrayList<>();
      List<String> detect = new ArrayList<>();
      List<String> cur = null;
      int j = i + 1;
      for (; j < lines.size() && !lines.get(j).equals("heapdebug: end"); j++) {
        Matcher s = SECTION.matcher(lines.get(j));
        Matcher f = FRAME.matcher(lines.get(j));
        if (s.find()) {
          cur =
              switch (s.group(1)) {
                case "alloc" -> alloc;
                case "free" -> free;
                default -> detect;
              };
        } else if (f.find() && cur != null) {
          cur.add(f.group(1));
        } else {
          throw new AssertionError("unexpected line in a report: " + lines.get(j) + "; " + run);
        }
      }
      assertThat(j).as("report without 'heapdebug: end'; %s", run).isLessThan(lines.size());
      out.add(
          new Finding(
              b.group(1),
              Long.parseLong(b.group(2)),
              Long.parseLong(b.group(3)),
              alloc,
              free,
              detect));
      i = j;
    }
    return out;
  }

  @ParameterizedTest(name = "heapbugs -smp {0}")
  @ValueSource(ints = {1, 4})
  @Timeout(400)
  void everyBugIsReportedWithItsStacks(int smp) throws Exception {
    HeapRun run = HeapRun.boot("app=heapbugs heap=debug", smp);
    run.line(
        "^heapdebug: mode=debug header=\\d+ redzone=16 quarantine=\\d+ poison=0xcc/0x5a/0x6b$");
    run.line("^heapbugs: known-answer findings=4 ");
    List<Finding> f = parse(run);
    assertThat(f)
        .extracting(Finding::kind)
        .as("%s", run)
        .containsExactly("redzone-overwritten", "use-after-free", "double-free", "invalid-free");

    Finding over = f.get(0);
    assertThat(over.size()).isEqualTo(40);
    assertThat(over.offset()).isEqualTo(40); // the byte just past the object
    assertThat(over.alloc()).as("%s", run).startsWith("bugs_alloc_overflow", "heapbugs_main");
    assertThat(over.free()).as("%s", run).startsWith("bugs_free_overflowed", "heapbugs_main");
    assertThat(over.detect()).as("%s", run).startsWith("bugs_free_overflowed");

    Finding uaf = f.get(1);
    assertThat(uaf.size()).isEqualTo(128);
    assertThat(uaf.offset()).isEqualTo(10);
    assertThat(uaf.alloc()).as("%s", run).startsWith("bugs_alloc_uaf", "heapbugs_main");
    assertThat(uaf.free()).as("%s", run).startsWith("bugs_free_uaf", "heapbugs_main");
    assertThat(uaf.detect()).as("%s", run).contains("heapdebug_check", "heapbugs_main");

    Finding df = f.get(2);
    assertThat(df.size()).isEqualTo(64);
    assertThat(df.alloc()).as("%s", run).startsWith("bugs_alloc_df", "heapbugs_main");
    assertThat(df.free()).as("%s", run).startsWith("bugs_free_first", "heapbugs_main");
    assertThat(df.detect()).as("%s", run).startsWith("bugs_free_again", "heapbugs_main");

    Finding inv = f.get(3);
    assertThat(inv.alloc()).isEmpty();
    assertThat(inv.free()).isEmpty();
    assertThat(inv.detect()).as("%s", run).startsWith("bugs_free_invalid", "heapbugs_main");

    run.line("^heapbugs: result findings=4$");
    run.line("^app: exit name=heapbugs status=0$");
    assertThat(run.exit().guestCode()).as("%s", run).contains(0);
  }

  /**
   * A correct program under heap=debug: kvstore (threads on every CPU, mutexes, frees) and threads
   * give no finding and their known answers still hold; the heap statistics count requested bytes,
   * so kvstore's measured leak is still 48 bytes per 100 requests.
   */
  @ParameterizedTest(name = "clean apps -smp {0}")
  @ValueSource(ints = {4})
  @Timeout(400)
  void correctAppsGiveNoFinding(int smp) throws Exception {
    HeapRun kv = HeapRun.boot("app=kvstore heap=debug duration=800", smp);
    assertThat(kv.all("^heapdebug: BUG")).as("%s", kv).isEmpty();
    Matcher r =
        kv.line(
            "^kvstore: result requests=(\\d+) .* leaked=(\\d+) leaked_bytes=(\\d+) "
                + "expected_leaked=(\\d+)");
    long requests = Long.parseLong(r.group(1));
    assertThat(requests).as("%s", kv).isPositive();
    assertThat(Long.parseLong(r.group(2))).as("%s", kv).isEqualTo(requests / 100);
    assertThat(Long.parseLong(r.group(3))).as("%s", kv).isEqualTo(48 * (requests / 100));
    kv.line("^app: exit name=kvstore status=0$");

    HeapRun th = HeapRun.boot("app=threads heap=debug items=100", smp);
    assertThat(th.all("^heapdebug: BUG")).as("%s", th).isEmpty();
    th.line(
        "^threads: result produced=\\d+ consumed=\\d+ checksum=\\d+ wakeups=\\d+ switches=\\d+ ok$");
    th.line("^app: exit name=threads status=0$");
  }
}
