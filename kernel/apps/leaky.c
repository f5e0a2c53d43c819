/*
 * leaky: known leaks and known non-leaks, for the leak scanner.
 *
 * Known answer (printed as `leaky: known-answer ...`):
 *   leaks: 16 x 64 B (leak_small), 4 x 4096 B (leak_pages), 1 x 100000 B (leak_big)
 *          = 21 objects, 117408 bytes; all pointers to them are dropped.
 *   not leaks: 256 B reachable only from the global leaky_global;
 *              512 B reachable only from the stack of thread "leaky/holder";
 *              1024 B reachable only through an interior pointer (base + 100)
 *              stored in the global leaky_interior.
 * The holder thread stays asleep until the VM exits, so a scan taken
 * before exit (`hold=` ms, default 1000) sees all three alive.
 *
 * With heap tracking on (heap=track or heap=debug) leaky runs a leak scan
 * itself after `hold` ms and prints the scan report (docs/app-api.md,
 * "Heap debugging console lines") and `leaky: scan leaks=N leaked_bytes=N`.
 */
#include "app.h"
#include "heapdebug.h"
#include "leakscan.h"

void *leaky_global;
char *leaky_interior;
static volatile int holder_ready;
static volatile size_t holder_size; /* the size only: the pointer stays on the holder's stack */

/* Overwrites the only copy of p after touching it, so it really is lost. */
static noinline void drop(void *p, size_t n)
{
    memset(p, 0xab, n);
    __asm__ volatile("" : : "r"(p) : "memory");
}

static noinline void leak_small(void)
{
    for (int i = 0; i < 16; i++)
        drop(kmalloc(64), 64);
}

static noinline void leak_pages(void)
{
    for (int i = 0; i < 4; i++)
        drop(kmalloc(4096), 4096);
}

static noinline void leak_big(void)
{
    drop(kmalloc(100000), 100000);
}

/* Clears the dead stack below the caller, where the leak sites' frames
 * (and kmalloc's) left copies of the dropped pointers, as kmemleak users
 * do with kmemleak_erase: the scan must not find stale copies there. */
static noinline void scrub_stack(void)
{
    volatile uint8_t buf[4096];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = 0;
    __asm__ volatile("" : : "r"(buf) : "memory");
}

static void holder(void *arg)
{
    (void)arg;
    volatile void *mine = kmalloc(512); /* only reference: this stack slot */
    memset((void *)mine, 0x5a, 512);
    holder_size = kmalloc_size((void *)mine);
    holder_ready = 1;
    for (;;)
        sleep_ms(1000);
}

static int leaky_main(const char *args)
{
    (void)args;
    printk("leaky: known-answer leaks=21 leaked_bytes=117408 sites=leak_small:16x64,"
           "leak_pages:4x4096,leak_big:1x100000 not_leaks=global:256,stack:512,interior:1024\n");
    leaky_global = kmalloc(256);
    char *p = kmalloc(1024);
    leaky_interior = p + 100;
    p = 0;
    thread_create("leaky/holder", holder, 0, app_ncpus() > 1 ? 1 : 0);
    while (!holder_ready)
        sleep_ms(1);
    /* Measure what the leak sites leave behind (nothing else allocates now). */
    uint64_t in0, na0, nf0, in1, na1, nf1;
    heap_stats(&in0, &na0, &nf0);
    leak_small();
    leak_pages();
    leak_big();
    scrub_stack();
    heap_stats(&in1, &na1, &nf1);
    printk("leaky: result leaks_made=%lu leaked_bytes=%lu "
           "not_leaks=global:%zu,stack:%zu,interior:%zu heap_in_use=%lu\n",
           (na1 - nf1) - (na0 - nf0), in1 - in0, kmalloc_size(leaky_global), holder_size,
           kmalloc_size(leaky_interior - 100), in1);
    sleep_ms(app_arg_u64("hold", 1000));
    if (heapdebug_mode() != HEAPDEBUG_OFF) {
        struct leakscan_result r;
        leakscan_run(0, LEAKSCAN_PRINT | LEAKSCAN_EMIT, &r);
        printk("leaky: scan leaks=%u leaked_bytes=%lu status=%d\n", r.leaks, r.leaked_bytes,
               r.status);
    }
    return 0;
}

APP_DEFINE(leaky, leaky_main, "known leak sites plus reachable non-leaks");
