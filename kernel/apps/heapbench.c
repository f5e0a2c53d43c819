/*
 * heapbench: an allocation-heavy loop to measure heap debugging's cost.
 *
 * `ops=N` (default 200000) kmalloc/kfree pairs, sizes 16..1024 bytes from
 * a fixed pseudo-random sequence, with a window of 64 live objects (each
 * allocation frees the object allocated 64 steps earlier), on one thread.
 * Prints `heapbench: result mode=M ops=N ns_per_op=N total_ms=N`, where
 * mode is off, track or debug (heap=), and returns 0.  No known answer:
 * compare the same image booted with and without heap=.
 */
#include "app.h"
#include "heapdebug.h"

#define WINDOW 64

static noinline void *bench_alloc(size_t n)
{
    return kmalloc(n);
}

static int heapbench_main(const char *args)
{
    (void)args;
    uint64_t ops = app_arg_u64("ops", 200000);
    static void *live[WINDOW];
    uint64_t x = 0x9e3779b97f4a7c15ull;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < ops; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t n = 16 + (size_t)(x % 1009);
        unsigned slot = (unsigned)(i % WINDOW);
        kfree(live[slot]);
        live[slot] = bench_alloc(n);
        ((volatile char *)live[slot])[0] = 1;
    }
    uint64_t t1 = now_ns();
    for (unsigned i = 0; i < WINDOW; i++) {
        kfree(live[i]);
        live[i] = 0;
    }
    static const char *const names[] = {"off", "track", "debug"};
    printk("heapbench: result mode=%s ops=%lu ns_per_op=%lu total_ms=%lu\n",
           names[heapdebug_mode() % 3], ops, ops ? (t1 - t0) / ops : 0, (t1 - t0) / 1000000);
    return 0;
}

APP_DEFINE(heapbench, heapbench_main, "allocation-heavy loop (heap debugging overhead)");
