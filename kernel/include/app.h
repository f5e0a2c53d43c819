/*
 * The Uniscope application API (documented in docs/app-api.md).
 *
 * An app is one C file that includes "app.h" and declares itself with
 * APP_DEFINE(name, main_fn, "description").  main_fn runs in a kernel
 * thread once every CPU is up; its return value is the VM's exit status.
 * Apps are built with the kernel's flags: freestanding, no floating
 * point (-mgeneral-regs-only), no libc beyond what is declared here.
 */
#ifndef APP_H
#define APP_H
#include <stddef.h>
#include <stdint.h>
#include "kernel.h"
#include "mm.h"
#include "percpu.h"
#include "sched.h"
#include "string.h"

struct app {
    const char *name;
    int (*main)(const char *args);
    const char *description;
    int external; /* linked with make APP=... (becomes the default app) */
};

#ifdef UNISCOPE_EXTERNAL_APP
#define APP_EXTERNAL 1
#else
#define APP_EXTERNAL 0
#endif

#define APP_DEFINE(nm, fn, desc)                                                                   \
    __attribute__((section(".apps"), used, aligned(8))) static const struct app app_##nm = {       \
        #nm, fn, desc, APP_EXTERNAL}

/* Time */
static inline void sleep_ms(uint64_t ms)
{
    thread_sleep_ns(ms * 1000000);
}
static inline void sleep_us(uint64_t us)
{
    thread_sleep_ns(us * 1000);
}
uint64_t now_ns(void); /* nanoseconds since boot (TSC-based) */
uint64_t tsc_khz(void);

/* CPUs */
static inline int app_ncpus(void)
{
    return ncpus;
}

/* Command-line options for apps: `key=value` words of the kernel command
 * line (e.g. duration=2000). */
uint64_t app_arg_u64(const char *key, uint64_t def);

/* Trace markers (docs/app-api.md): events of group `marker` (on by
 * default) on the timeline of the calling CPU and thread.  Names are
 * copied (at most 255 bytes); calls are cheap and never block. */
void trace_marker(const char *name);                 /* instant */
void trace_begin(const char *name);                  /* start of a span */
void trace_end(const char *name);                    /* end of the span begun with this name */
void trace_counter(const char *name, int64_t value); /* counter sample */

/* Result lines: apps print their known-answer and result lines with
 * printk("<app>: known-answer ...") and printk("<app>: result ..."). */
#endif
