/*
 * heapbugs: deliberate heap bugs for heap debugging (boot with heap=debug).
 *
 * Known answer (printed as `heapbugs: known-answer ...`), one finding each,
 * in this order, with the functions on the stacks:
 *   redzone-overwritten: 40-byte object, byte at offset 40 written;
 *       alloc bugs_alloc_overflow, free/detect bugs_free_overflowed
 *   use-after-free: 128-byte object, byte at offset 10 written after free;
 *       alloc bugs_alloc_uaf, free bugs_free_uaf (found by heapdebug_check)
 *   double-free: 64-byte object; alloc bugs_alloc_df, free bugs_free_first,
 *       detect bugs_free_again
 *   invalid-free: kfree of an object's address + 8; detect bugs_free_invalid
 * No finding panics; the app prints `heapbugs: result findings=N` and exits 0.
 * `bug=overflow|uaf|doublefree|invalid` runs only that one (default: all).
 */
#include "app.h"
#include "heapdebug.h"
#include "cmdline.h"

static noinline __attribute__((noipa)) char *bugs_alloc_overflow(void)
{
    return kmalloc(40);
}

static noinline __attribute__((noipa)) void bugs_overflow_write(char *p, int i)
{
    p[i] = 'X';
}

static noinline __attribute__((noipa)) void bugs_free_overflowed(char *p)
{
    kfree(p);
}

static noinline __attribute__((noipa)) char *bugs_alloc_uaf(void)
{
    return kmalloc(128);
}

static noinline __attribute__((noipa)) void bugs_free_uaf(char *p)
{
    kfree(p);
}

static noinline __attribute__((noipa)) void bugs_uaf_write(char *p, int i)
{
    p[i] = 1;
}

static noinline __attribute__((noipa)) char *bugs_alloc_df(void)
{
    return kmalloc(64);
}

static noinline __attribute__((noipa)) void bugs_free_first(char *p)
{
    kfree(p);
}

static noinline __attribute__((noipa)) void bugs_free_again(char *p)
{
    kfree(p);
}

static noinline __attribute__((noipa)) void bugs_free_invalid(char *p)
{
    kfree(p + 8);
}

static int want(const char *which)
{
    char v[16];
    if (!cmdline_get(kernel_cmdline, "bug", v, sizeof v))
        return 1;
    return !strcmp(v, which);
}

static int heapbugs_main(const char *args)
{
    (void)args;
    printk("heapbugs: known-answer findings=4 redzone-overwritten=bugs_alloc_overflow/"
           "bugs_free_overflowed:40:40 use-after-free=bugs_alloc_uaf/bugs_free_uaf:128:10 "
           "double-free=bugs_alloc_df/bugs_free_first/bugs_free_again:64 "
           "invalid-free=bugs_free_invalid\n");
    if (heapdebug_mode() != HEAPDEBUG_DEBUG) {
        printk("heapbugs: needs heap=debug; nothing done\n");
        return 0;
    }
    if (want("overflow")) {
        char *p = bugs_alloc_overflow();
        bugs_overflow_write(p, 40);
        bugs_free_overflowed(p);
    }
    if (want("uaf")) {
        char *p = bugs_alloc_uaf();
        bugs_free_uaf(p);
        bugs_uaf_write(p, 10);
        heapdebug_check();
    }
    if (want("doublefree")) {
        char *p = bugs_alloc_df();
        bugs_free_first(p);
        bugs_free_again(p);
    }
    char *keep = 0;
    if (want("invalid")) {
        keep = kmalloc(32);
        bugs_free_invalid(keep);
    }
    kfree(keep);
    struct heapdebug_stats s;
    heapdebug_get_stats(&s);
    printk("heapbugs: result findings=%lu\n", s.findings);
    return 0;
}

APP_DEFINE(heapbugs, heapbugs_main, "deliberate heap bugs for heap=debug");
