/*
 * tracebench: how many trace events per second the kernel can emit, and
 * how many of them the data channel delivers (kernel/scripts/trace-bench.py).
 *
 * One thread per CPU writes marker_counter events (40-byte records: 24
 * fixed bytes and the name "tracebench") for `duration=` ms (default 1000):
 *
 *   rate=0 (default)  flat out, the clock read every 64 events;
 *   rate=R            paced at R events per second per CPU: the thread
 *                     emits the events due by now (R x time since its own
 *                     start, now_ns(), i.e. the TSC) in bursts of at most
 *                     BURST, one clock read per burst, and sleeps while it
 *                     is ahead (until the next scheduler tick: the CPU is
 *                     left to the trace/tx thread).  At the end of its
 *                     window it emits what is still due, so it writes
 *                     exactly R x duration / 1000 events; an elapsed time
 *                     (ns=) well above the window means it fell behind (a
 *                     descheduled vCPU, or R above what one CPU can write).
 *
 * `wait_host=MS` (default 0: no wait) opens the window only once the data
 * channel has delivered a page (a marker, then a flush; at most MS ms), so a
 * host that connects only after boot (data=vsock) is there when it opens:
 * `tracebench: window open host=1 after_ms=N` (host=0: none within MS).
 *
 * Whether the data channel keeps up: a paced thread also reads its ring's
 * backlog (closed pages not yet sent: head - tail - 1 in the ring
 * directory, docs/protocol.md) after every burst and at the end of its
 * window.  A channel slower than the producer shows as a backlog that grows
 * through the window, long before the ring is full and records drop.
 *
 * Known answer: none (a measurement); with rate=R the line also gives the
 * events each CPU will write.  The result lines give the events written per
 * CPU and in total and the achieved rate (events / the thread's elapsed
 * time), then (paced) the largest backlog and the one at the end, in pages.
 * The kernel's `trace: cpu=N ... lost=` lines at exit give the records
 * dropped because the ring was full (streaming mode).
 */
#include "app.h"
#include "trace.h"
#include "trace_int.h" /* the ring directory and trace_flush_all() */

#define BURST    64
#define NS       1000000000ull
#define MAX_RATE NS /* keeps the products below in 64 bits */

struct tb {
    uint64_t end_ns, n, ns;
    uint64_t rate, window_ns;
    int cpu;
    uint64_t backlog_max, backlog_end; /* pages */
};

/* Closed pages of this CPU's ring the tx thread has not sent yet. */
static uint64_t backlog(int cpu)
{
    if (!trace_dir || cpu >= trace_dir->ncpu || trace_geom.mode != UT_MODE_STREAM)
        return 0;
    struct trace_ring *r = &trace_dir->rings[cpu];
    uint64_t head = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
    uint64_t tail = __atomic_load_n(&r->tail, __ATOMIC_RELAXED);
    return head > tail ? head - tail - 1 : 0;
}

/* Events due after e ns at r per second: floor(e * r / 1e9) without
 * overflow (r <= 1e9, so (e % 1e9) * r < 1e18). */
static uint64_t events_due(uint64_t e, uint64_t r)
{
    return e / NS * r + e % NS * r / NS;
}

/* ns from the start at which event k is due: ceil(k * 1e9 / r). */
static uint64_t due_at(uint64_t k, uint64_t r)
{
    return k / r * NS + (k % r * NS + r - 1) / r;
}

/* 1 once this CPU's page holding a fresh marker has been sent, 0 after ms
 * ms; -1 when there is no streaming channel to wait for. */
static int wait_channel(uint64_t ms)
{
    int cpu = (int)this_cpu()->cpu; /* app threads stay on their CPU */
    if (!trace_dir || cpu >= trace_dir->ncpu || trace_geom.mode != UT_MODE_STREAM ||
        !trace_on(TG_MARKER))
        return -1;
    struct trace_ring *r = &trace_dir->rings[cpu];
    trace_marker("tracebench: sync");
    uint64_t page = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE); /* the marker's page + 1 */
    trace_flush_all();
    uint64_t end = now_ns() + ms * 1000000;
    while (__atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) < page) {
        if (now_ns() >= end)
            return 0;
        sleep_ms(1);
    }
    return 1;
}

static void tb_flat(struct tb *b)
{
    uint64_t t0 = now_ns(), n = 0;
    while (now_ns() < b->end_ns)
        for (int i = 0; i < BURST; i++)
            trace_counter("tracebench", (int64_t)n++);
    b->n = n;
    b->ns = now_ns() - t0;
}

static void tb_paced(struct tb *b)
{
    uint64_t t0 = now_ns(), n = 0;
    for (;;) {
        uint64_t e = now_ns() - t0;
        if (e > b->window_ns)
            e = b->window_ns;
        uint64_t due = events_due(e, b->rate);
        if (n < due) {
            for (uint64_t k = due - n < BURST ? due - n : BURST; k; k--)
                trace_counter("tracebench", (int64_t)n++);
            uint64_t q = backlog(b->cpu);
            if (q > b->backlog_max)
                b->backlog_max = q;
            continue;
        }
        if (e >= b->window_ns) {
            b->backlog_end = backlog(b->cpu);
            break;
        }
        uint64_t next = due_at(n + 1, b->rate); /* > e: event n + 1 is not due yet */
        thread_sleep_ns((next < b->window_ns ? next : b->window_ns) - e);
    }
    b->n = n;
    b->ns = now_ns() - t0;
}

static void tb_worker(void *arg)
{
    struct tb *b = arg;
    if (b->rate)
        tb_paced(b);
    else
        tb_flat(b);
}

static int tracebench_main(const char *args)
{
    (void)args;
    int n = app_ncpus();
    uint64_t dur = app_arg_u64("duration", 1000);
    uint64_t rate = app_arg_u64("rate", 0);
    if (rate > MAX_RATE)
        rate = MAX_RATE;
    if (rate)
        printk("tracebench: known-answer none (measurement) cpus=%d duration_ms=%lu rate=%lu "
               "events_per_cpu=%lu\n",
               n, dur, rate, events_due(dur * 1000000, rate));
    else
        printk("tracebench: known-answer none (measurement) cpus=%d duration_ms=%lu rate=0\n", n,
               dur);
    uint64_t wait = app_arg_u64("wait_host", 0);
    if (wait) {
        uint64_t t0 = now_ns();
        int host = wait_channel(wait);
        printk("tracebench: window open host=%d after_ms=%lu\n", host, (now_ns() - t0) / 1000000);
    }
    struct tb *b = kzalloc(sizeof *b * (size_t)n);
    struct thread **t = kzalloc(sizeof *t * (size_t)n);
    uint64_t end = now_ns() + dur * 1000000;
    for (int i = 0; i < n; i++) {
        b[i].end_ns = end;
        b[i].rate = rate;
        b[i].window_ns = dur * 1000000;
        b[i].cpu = i;
        t[i] = thread_create("tracebench", tb_worker, &b[i], i);
    }
    uint64_t total = 0, achieved = 0;
    for (int i = 0; i < n; i++) {
        thread_join(t[i]);
        uint64_t r = b[i].ns ? b[i].n * NS / b[i].ns : 0;
        if (rate)
            printk("tracebench: result cpu=%d events=%lu ns=%lu events_per_s=%lu backlog_max=%lu "
                   "backlog_end=%lu\n",
                   i, b[i].n, b[i].ns, r, b[i].backlog_max, b[i].backlog_end);
        else
            printk("tracebench: result cpu=%d events=%lu ns=%lu events_per_s=%lu\n", i, b[i].n,
                   b[i].ns, r);
        total += b[i].n;
        achieved += r;
    }
    printk("tracebench: result total events=%lu events_per_s=%lu\n", total, achieved);
    kfree(b);
    kfree(t);
    return 0;
}

APP_DEFINE(tracebench, tracebench_main, "trace event rate (measurement)");
