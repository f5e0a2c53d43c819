/*
 * reboot: trace events for `after=` ms (default 2000), then a machine
 * reset in mid-stream (core/reboot.c): the app never returns, so there is
 * no `app: exit` line and no isa-debug-exit status.
 *
 * One thread per CPU writes `burst=` (default 8, 1-64) marker_counter
 * events named "reboot" per scheduler tick (sleep_ms(1): one tick, 4 ms).
 * That stays far below the ring (1 MiB per CPU: a few seconds fit even
 * if the host read nothing), so no record is dropped.
 *
 * Known answer: every event written before the reset reaches the host:
 * a capture holds exactly `events` marker_counter records.  Prints:
 *   reboot: known-answer marker_counter=events (all delivered before the reset)
 *   reboot: result events=N cpus=N after_ms=N
 *   kernel: reboot requested by app=reboot
 */
#include "app.h"
#include "reboot.h"

struct rb {
    uint64_t end_ns, burst, n;
};

static void rb_worker(void *arg)
{
    struct rb *b = arg;
    while (now_ns() < b->end_ns) {
        for (uint64_t i = 0; i < b->burst; i++)
            trace_counter("reboot", (int64_t)b->n++);
        sleep_ms(1);
    }
}

static int reboot_main(const char *args)
{
    (void)args;
    int n = app_ncpus();
    uint64_t after = app_arg_u64("after", 2000);
    uint64_t burst = app_arg_u64("burst", 8);
    if (burst < 1 || burst > 64)
        burst = 8;
    printk("reboot: known-answer marker_counter=events (all delivered before the reset)\n");
    struct rb *b = kzalloc(sizeof *b * (size_t)n);
    struct thread **t = kzalloc(sizeof *t * (size_t)n);
    uint64_t end = now_ns() + after * 1000000;
    for (int i = 0; i < n; i++) {
        b[i].end_ns = end;
        b[i].burst = burst;
        t[i] = thread_create("reboot", rb_worker, &b[i], i);
    }
    uint64_t total = 0;
    for (int i = 0; i < n; i++) {
        thread_join(t[i]);
        total += b[i].n;
    }
    printk("reboot: result events=%lu cpus=%d after_ms=%lu\n", total, n, after);
    machine_reboot("app=reboot");
}

APP_DEFINE(reboot, reboot_main, "trace events for after=MS, then a machine reset (tests)");
