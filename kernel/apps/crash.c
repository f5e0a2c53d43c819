/*
 * crash: works for a while, then writes through NULL.
 *
 * Known answer: a page fault (exception 14, write, cr2=0x0) in
 * crash_write_null, called by crash_level2, called by crash_level1
 * (three calls deep from crash_main).  The panic backtrace names
 * crash_write_null+0x.., crash_level2+0x.., crash_level1+0x.., crash_main+0x..
 */
#include "app.h"

static volatile int sink;

noinline void crash_write_null(int v)
{
    volatile int *p = 0;
    *p = v; /* the crash */
}

noinline void crash_level2(int v)
{
    crash_write_null(v + 1);
    sink = v;
}

noinline void crash_level1(int v)
{
    crash_level2(v + 1);
    sink = v;
}

/* crash mode=overflow: unbounded recursion runs into the thread stack's
 * guard page; the CPU cannot push the page-fault frame on the overflowed
 * stack and raises a double fault, handled on its own IST stack. */
static uint64_t (*volatile recurse_fn)(uint64_t); /* hides the recursion from gcc */

noinline uint64_t crash_recurse(uint64_t n)
{
    volatile uint8_t pad[256];
    pad[0] = (uint8_t)n;
    return recurse_fn(n + 1) + pad[0];
}

/* crash doublefree: the heap detects the second kfree and panics. */
noinline void crash_double_free(void)
{
    void *p = kmalloc(64);
    kfree(p);
    kfree(p);
}

static int crash_main(const char *args)
{
    (void)args;
    if (cmdline_has("doublefree")) {
        printk("crash: known-answer panic=double-free in crash_double_free\n");
        crash_double_free();
        return 1;
    }
    if (cmdline_has("overflow")) {
        printk("crash: known-answer fault=double-fault via stack overflow in crash_recurse\n");
        recurse_fn = crash_recurse;
        return (int)crash_recurse(0);
    }
    printk("crash: known-answer fault=page-fault cr2=0x0 function=crash_write_null "
           "chain=crash_write_null<crash_level2<crash_level1<crash_main\n");
    uint64_t work = app_arg_u64("duration", 300);
    uint64_t end = now_ns() + work * 1000000;
    int rounds = 0;
    while (now_ns() < end) {
        void *p = kmalloc(128);
        memset(p, rounds, 128);
        kfree(p);
        sleep_ms(10);
        rounds++;
    }
    printk("crash: worked %d rounds, now writing through NULL\n", rounds);
    crash_level1(rounds);
    return 1; /* not reached */
}

APP_DEFINE(crash, crash_main, "NULL write three calls deep after some work");
