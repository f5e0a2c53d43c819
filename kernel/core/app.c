/* Selecting and running the one application linked into the image. */
#include "app.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "leakscan.h"
#include "trace.h"

extern const struct app __apps_start[], __apps_end[];

uint64_t app_arg_u64(const char *key, uint64_t def)
{
    return cmdline_u64(key, def);
}

/* App markers (group marker, on by default): docs/app-api.md "Trace markers". */
void trace_marker(const char *name)
{
    trace_ev_marker(EV_MARKER_INSTANT, name, 0);
}
void trace_begin(const char *name)
{
    trace_ev_marker(EV_MARKER_BEGIN, name, 0);
}
void trace_end(const char *name)
{
    trace_ev_marker(EV_MARKER_END, name, 0);
}
void trace_counter(const char *name, int64_t value)
{
    trace_ev_marker(EV_MARKER_COUNTER, name, value);
}

static const struct app *find_app(void)
{
    char name[32];
    if (cmdline_get(kernel_cmdline, "app", name, sizeof name)) {
        for (const struct app *a = __apps_start; a < __apps_end; a++)
            if (!strcmp(a->name, name))
                return a;
        printk("app: unknown app '%s'; available:", name);
        for (const struct app *a = __apps_start; a < __apps_end; a++)
            printk(" %s", a->name);
        printk("\n");
        return 0;
    }
    for (const struct app *a = __apps_start; a < __apps_end; a++)
        if (a->external)
            return a;
    for (const struct app *a = __apps_start; a < __apps_end; a++)
        if (!strcmp(a->name, "kvstore"))
            return a;
    return 0;
}

/* Zeroes the stack just below the caller's frame, where main's frames were:
 * end_scan's and leakscan_run's frames land there and are roots, and a slot
 * they leave unwritten must not hand the scan a stale copy of a pointer
 * main dropped (that would hide a leak).  As leaky's scrub_stack, or
 * kmemleak_erase. */
static noinline void scrub_dead_stack(void)
{
    volatile uint8_t buf[4096];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = 0;
    __asm__ volatile("" : : "r"(buf) : "memory");
}

/*
 * Boot option leakscan=end: one leak scan after main returned, before the
 * final drain stops the trace groups (its events must still be recorded).
 * Id LEAKSCAN_END_ID, every age (main is gone, so nothing of the app is in
 * flight; objects allocated during the scan still count as young).  Roots:
 * .data/.bss, the stacks of the threads still alive (their saved registers
 * are there) and this thread's own frames and callee-saved registers; main's
 * frames are gone, so what only they held is a leak.  A host-requested scan
 * may be running: wait for it, bounded.
 */
static noinline void end_scan(void)
{
    /* Brief console report: the app's result lines stay in view (and in a
     * run record's console tail); each object's stack is in the events. */
    const unsigned flags = LEAKSCAN_PRINT | LEAKSCAN_BRIEF | LEAKSCAN_EMIT | LEAKSCAN_ALL_AGES;
    char v[8];
    if (!cmdline_get(kernel_cmdline, "leakscan", v, sizeof v) || strcmp(v, "end"))
        return;
    struct leakscan_result r;
    uint64_t give_up = now_ns() + 10000000000ull;
    while (leakscan_run(LEAKSCAN_END_ID, flags, &r) == -3 && now_ns() < give_up)
        sleep_ms(1);
    printk("app: end scan id=%u leaks=%u leaked_bytes=%lu status=%d\n", LEAKSCAN_END_ID, r.leaks,
           r.leaked_bytes, r.status);
}

static void app_thread(void *arg)
{
    const struct app *a = arg;
    trace_channel_wait_started();
    uint64_t boot_us = (rdtsc() - bootinfo.tsc_entry) * 1000 / tsc_khz();
    printk("app: start name=%s cpus=%d boot_us=%lu\n", a->name, ncpus, boot_us);
    int status = a->main(kernel_cmdline);
    uint64_t in_use, na, nf;
    heap_stats(&in_use, &na, &nf);
    printk("app: heap in_use=%lu allocs=%lu frees=%lu\n", in_use, na, nf);
    scrub_dead_stack();
    end_scan();
    trace_final_drain();
    printk("app: exit name=%s status=%d\n", a->name, status);
    machine_exit(status & 0x7f);
}

void app_start(void)
{
    const struct app *a = find_app();
    if (!a) {
        printk("app: exit name=none status=%d\n", 0x7e);
        machine_exit(0x7e);
    }
    thread_create("main", app_thread, (void *)a, 0);
}
