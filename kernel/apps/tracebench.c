/*
 * tracebench: how many trace events per second the kernel can emit, and
 * how many of them the data channel delivers (kernel/scripts/trace-bench.py).
 *
 * One thread per CPU writes marker_counter events (24-byte records) in a
 * tight loop for `duration=` ms (default 1000).  Known answer: none (a
 * measurement); the result line gives the events attempted per CPU and in
 * total, and the rate.  The kernel's `trace: cpu=N ... lost=` lines at exit
 * give the records dropped because the ring was full (streaming mode).
 */
#include "app.h"

struct tb {
    uint64_t end_ns, n, ns;
};

static void tb_worker(void *arg)
{
    struct tb *b = arg;
    uint64_t t0 = now_ns(), n = 0;
    while (now_ns() < b->end_ns)
        for (int i = 0; i < 64; i++)
            trace_counter("tracebench", (int64_t)n++);
    b->n = n;
    b->ns = now_ns() - t0;
}

static int tracebench_main(const char *args)
{
    (void)args;
    int n = app_ncpus();
    uint64_t dur = app_arg_u64("duration", 1000);
    printk("tracebench: known-answer none (measurement) cpus=%d duration_ms=%lu\n", n, dur);
    struct tb *b = kzalloc(sizeof *b * (size_t)n);
    struct thread **t = kzalloc(sizeof *t * (size_t)n);
    uint64_t end = now_ns() + dur * 1000000;
    for (int i = 0; i < n; i++) {
        b[i].end_ns = end;
        t[i] = thread_create("tracebench", tb_worker, &b[i], i);
    }
    uint64_t total = 0, rate = 0;
    for (int i = 0; i < n; i++) {
        thread_join(t[i]);
        uint64_t r = b[i].ns ? b[i].n * 1000000000ull / b[i].ns : 0;
        printk("tracebench: result cpu=%d events=%lu ns=%lu events_per_s=%lu\n", i, b[i].n, b[i].ns,
               r);
        total += b[i].n;
        rate += r;
    }
    printk("tracebench: result total events=%lu events_per_s=%lu\n", total, rate);
    kfree(b);
    kfree(t);
    return 0;
}

APP_DEFINE(tracebench, tracebench_main, "trace event rate (measurement)");
