/*
 * Function tracer and function-graph tracer (groups func and graph).
 *
 * The kernel is built with -pg -mfentry -mrecord-mcount (Makefile: every
 * directory but arch/, kaslr/, trace/ and lib/, which hold the entry and
 * IRQ paths, early boot, the tracer itself and printk/serial).  Under -fpie
 * each site is `call *__fentry__@GOTPCREL(%rip)` that ld relaxes into
 * `addr32 call __fentry__` (67 e8 rel32, 6 bytes); __mcount_loc lists the
 * sites (absolute addresses, relocated at boot like every pointer).
 *
 * ftrace_init(), on the boot CPU before the APs start, rewrites every site
 * into the 6-byte NOP 66 0f 1f 44 00 00.  Enabling func or graph patches the
 * sites that pass the filter into `67 e8 rel32` to ftrace_caller, disabling
 * patches them back; patches go through the direct map (the text mapping is
 * read-only) while every other CPU spins with interrupts off in an IPI
 * (stop-machine; the IRET that ends it serialises).  With both groups off
 * no site calls anything: the cost is one 6-byte NOP per function.
 *
 * Filter: boot option ftrace_filter=GLOB (`*` and `?`, several globs with
 * `,`; names from the embedded symbol table) or the SET_FUNC_FILTER command
 * (runtime address ranges, include or exclude).
 *
 * Function graph: the return address of a traced call is replaced by
 * ftrace_return_to_handler; the real one is kept on a shadow stack of the
 * running thread (per-CPU pools: threads never migrate), which records the
 * entry time, so graph_exit carries the duration.  A pool slot belongs to a
 * thread only while it has hooked frames; without a free slot or beyond 64
 * levels the call is not hooked (graph_entry not written either).
 */
#include "kernel.h"
#include "arch.h"
#include "cmdline.h"
#include "ksyms.h"
#include "layout.h"
#include "percpu.h"
#include "sched.h"
#include "trace.h"
#include "trace_int.h"
#include "uslayout.h"
#include "x86.h"

extern const uint64_t __start___mcount_loc[], __stop___mcount_loc[];
extern char ftrace_caller[], ftrace_return_to_handler[], __fentry__[];

#define MAX_SITES 16384
#define SITE_OK   1 /* recognised and NOPed */
#define SITE_SEL  2 /* passes the filter */
#define SITE_ON   4 /* patched into a call now */
static uint8_t site_state[MAX_SITES];
static uint32_t nsites_all;
int ftrace_nsites; /* usable sites */
static int ftrace_enabled_sites;
static int filter_mode; /* 0 all, 1 ranges include, 2 ranges exclude, 3 glob */
static struct mutex ftrace_lock = MUTEX_INIT;

static const uint8_t nop6[6] = {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00};

NOTRACE static uint8_t *writable(uint64_t va)
{
    return P2V(image_phys((const void *)va));
}

NOTRACE static void write_site(uint64_t site, const uint8_t *b)
{
    uint8_t *w = writable(site);
    for (int i = 0; i < 6; i++)
        w[i] = b[i];
}

NOTRACE static void call_bytes(uint64_t site, uint64_t target, uint8_t *b)
{
    int32_t rel = (int32_t)(target - (site + 6));
    b[0] = 0x67;
    b[1] = 0xe8;
    for (int i = 0; i < 4; i++)
        b[2 + i] = (uint8_t)((uint32_t)rel >> (8 * i));
}

void ftrace_init(void)
{
    uint32_t n = (uint32_t)(__stop___mcount_loc - __start___mcount_loc), bad = 0;
    for (uint32_t i = 0; i < n && i < MAX_SITES; i++) {
        uint64_t s = __start___mcount_loc[i];
        if (s < (uint64_t)__text_start || s + 6 > (uint64_t)__text_end) {
            bad += s != 0;
            continue;
        }
        const uint8_t *p = (const uint8_t *)s;
        uint8_t want[6];
        call_bytes(s, (uint64_t)__fentry__, want);
        int ok = 1;
        for (int k = 0; k < 6; k++)
            ok &= p[k] == want[k];
        if (!ok) {
            bad++;
            continue;
        }
        write_site(s, nop6);
        site_state[i] = SITE_OK | SITE_SEL;
        ftrace_nsites++;
    }
    nsites_all = n < MAX_SITES ? n : MAX_SITES;
    if (n)
        printk("ftrace: %d call sites turned into NOPs (%u unrecognised, %u over the limit)\n",
               ftrace_nsites, bad, n > MAX_SITES ? n - MAX_SITES : 0);
}

/* ---- stop machine -------------------------------------------------------- */

static volatile int stop_phase;
static volatile int stop_parked;

NOTRACE void trace_stop_ipi(void)
{
    __atomic_add_fetch(&stop_parked, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&stop_phase, __ATOMIC_ACQUIRE))
        cpu_relax();
    __atomic_sub_fetch(&stop_parked, 1, __ATOMIC_SEQ_CST);
}

/* Runs fn with every other online CPU parked; returns 0, or -1 if they did
 * not all park within 500 ms (nothing done). */
static int stop_machine(void (*fn)(void))
{
    uint64_t f = irq_save();
    struct percpu *me = this_cpu();
    int others = 0;
    __atomic_store_n(&stop_phase, 1, __ATOMIC_SEQ_CST);
    for (int c = 0; c < ncpus; c++)
        if (&percpu_area[c] != me && percpu_area[c].online) {
            lapic_send_ipi(percpu_area[c].apic_id, VEC_TRACE_STOP);
            others++;
        }
    uint64_t end = now_ns() + 500000000ull;
    while (__atomic_load_n(&stop_parked, __ATOMIC_ACQUIRE) < others && now_ns() < end)
        cpu_relax();
    int ok = __atomic_load_n(&stop_parked, __ATOMIC_ACQUIRE) >= others;
    if (ok)
        fn();
    __atomic_store_n(&stop_phase, 0, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&stop_parked, __ATOMIC_ACQUIRE) > 0)
        cpu_relax();
    uint32_t a, b, c, d;
    cpuid(0, 0, &a, &b, &c, &d); /* serialise this CPU too */
    irq_restore(f);
    return ok ? 0 : -1;
}

static void apply(void)
{
    int want_on = trace_on(TG_FUNC) || trace_on(TG_GRAPH);
    int n = 0;
    for (uint32_t i = 0; i < nsites_all; i++) {
        uint8_t st = site_state[i];
        if (!(st & SITE_OK))
            continue;
        int on = want_on && (st & SITE_SEL);
        if (on != !!(st & SITE_ON)) {
            uint64_t s = __start___mcount_loc[i];
            uint8_t b[6];
            if (on)
                call_bytes(s, (uint64_t)ftrace_caller, b);
            write_site(s, on ? b : nop6);
            site_state[i] = (uint8_t)(on ? st | SITE_ON : st & ~SITE_ON);
        }
        n += on;
    }
    ftrace_enabled_sites = n;
}

int ftrace_update(void)
{
    if (!ftrace_nsites)
        return 0;
    mutex_lock(&ftrace_lock);
    int r = stop_machine(apply);
    int n = ftrace_enabled_sites;
    mutex_unlock(&ftrace_lock);
    return r < 0 ? r : n;
}

/* ---- filters ------------------------------------------------------------- */

static int glob_match(const char *g, const char *s)
{
    if (!*g)
        return !*s;
    if (*g == '*')
        return glob_match(g + 1, s) || (*s && glob_match(g, s + 1));
    if (*s && (*g == '?' || *g == *s))
        return glob_match(g + 1, s + 1);
    return 0;
}

/* globs: comma-separated */
static int globs_match(const char *globs, const char *name)
{
    char one[64];
    while (*globs) {
        size_t n = 0;
        while (*globs && *globs != ',') {
            if (n + 1 < sizeof one)
                one[n++] = *globs;
            globs++;
        }
        one[n] = 0;
        if (*globs)
            globs++;
        if (n && glob_match(one, name))
            return 1;
    }
    return 0;
}

int ftrace_set_glob(const char *glob)
{
    if (!ftrace_nsites)
        return -1;
    mutex_lock(&ftrace_lock);
    int sel = 0;
    for (uint32_t i = 0; i < nsites_all; i++) {
        if (!(site_state[i] & SITE_OK))
            continue;
        uint64_t off = 0;
        const char *name = ksym_lookup(__start___mcount_loc[i], &off);
        int s = name && globs_match(glob, name);
        site_state[i] = (uint8_t)(s ? site_state[i] | SITE_SEL : site_state[i] & ~SITE_SEL);
        sel += s;
    }
    filter_mode = 3;
    mutex_unlock(&ftrace_lock);
    return sel;
}

int ftrace_set_filter(uint16_t mode, uint16_t count, const uint64_t *ranges)
{
    if (!ftrace_nsites)
        return -1;
    mutex_lock(&ftrace_lock);
    for (uint32_t i = 0; i < nsites_all; i++) {
        if (!(site_state[i] & SITE_OK))
            continue;
        uint64_t s = __start___mcount_loc[i];
        int in = 0;
        for (unsigned k = 0; k < count; k++)
            in |= s >= ranges[2 * k] && s < ranges[2 * k + 1];
        int sel = mode == 0 ? 1 : mode == 1 ? in : !in;
        site_state[i] = (uint8_t)(sel ? site_state[i] | SITE_SEL : site_state[i] & ~SITE_SEL);
    }
    filter_mode = mode;
    int r = stop_machine(apply);
    int n = ftrace_enabled_sites;
    if (!(trace_on(TG_FUNC) || trace_on(TG_GRAPH))) { /* count what would be patched */
        n = 0;
        for (uint32_t i = 0; i < nsites_all; i++)
            n += (site_state[i] & (SITE_OK | SITE_SEL)) == (SITE_OK | SITE_SEL);
    }
    mutex_unlock(&ftrace_lock);
    return r < 0 ? 0 : n;
}

/* ---- the tracers ----------------------------------------------------------- */

#define GR_SLOTS 16
#define GR_DEPTH 64
struct gr_frame {
    uint64_t ret, ip, t0;
};
struct gr_stack {
    struct thread *owner;
    uint32_t depth;
    struct gr_frame f[GR_DEPTH];
};
static struct gr_stack gr[MAX_CPUS][GR_SLOTS];

NOTRACE static struct gr_stack *gr_find(struct percpu *c, struct thread *t, int take)
{
    struct gr_stack *free = 0;
    for (int i = 0; i < GR_SLOTS; i++) {
        struct gr_stack *g = &gr[c->cpu][i];
        if (g->owner == t)
            return g;
        if (!g->owner && !free)
            free = g;
    }
    if (take && free) {
        free->owner = t;
        free->depth = 0;
        return free;
    }
    return 0;
}

NOTRACE void ftrace_handler(uint64_t ret_into_fn, uint64_t *parent)
{
    uint64_t ip = ret_into_fn - 6;
    if (trace_on(TG_FUNC)) {
        uint64_t e[2] = {ip, *parent};
        trace_emit(EV_FUNC_ENTRY, e, sizeof e, -1, 0, 0);
    }
    if (!trace_on(TG_GRAPH))
        return;
    uint64_t f = irq_save();
    struct percpu *c = this_cpu();
    struct thread *t = c->current;
    struct gr_stack *g = t ? gr_find(c, t, 1) : 0;
    if (g && g->depth < GR_DEPTH) {
        uint32_t d = g->depth;
        g->f[d].ret = *parent;
        g->f[d].ip = ip;
        struct {
            uint64_t ip;
            uint32_t depth, pad;
        } e = {ip, d, 0};
        trace_emit(EV_GRAPH_ENTRY, &e, sizeof e, -1, 0, 0);
        g->f[d].t0 = now_ns();
        g->depth = d + 1;
        *parent = (uint64_t)ftrace_return_to_handler;
    }
    irq_restore(f);
}

NOTRACE uint64_t ftrace_graph_return(void)
{
    uint64_t f = irq_save();
    struct percpu *c = this_cpu();
    struct gr_stack *g = gr_find(c, c->current, 0);
    if (!g || !g->depth)
        panic("ftrace: graph return without a shadow frame (cpu %u)", c->cpu);
    uint32_t d = --g->depth;
    struct gr_frame fr = g->f[d];
    if (!d)
        g->owner = 0;
    uint64_t now = now_ns();
    struct {
        uint64_t ip;
        uint32_t depth, pad;
        uint64_t duration_ns;
    } e = {fr.ip, d, 0, now - fr.t0};
    if (trace_on(TG_GRAPH))
        trace_emit(EV_GRAPH_EXIT, &e, sizeof e, -1, 0, 0);
    irq_restore(f);
    return fr.ret;
}

NOTRACE void trace_graph_fixup(uint64_t *frames, unsigned n)
{
    uint64_t f = irq_save();
    struct percpu *c = this_cpu();
    struct gr_stack *g = c->current ? gr_find(c, c->current, 0) : 0;
    uint32_t k = g ? g->depth : 0;
    for (unsigned i = 0; i < n; i++)
        if (frames[i] == (uint64_t)ftrace_return_to_handler && k)
            frames[i] = g->f[--k].ret;
    irq_restore(f);
}

/* Called after every change of the group mask. */
void trace_groups_changed(void)
{
    for (int c = 0; c < MAX_CPUS; c++)
        trace_cpu[c].timer_reprog = 1;
    static int was_on;
    int on = trace_on(TG_FUNC) || trace_on(TG_GRAPH);
    if (on != was_on) {
        was_on = on;
        int n = ftrace_update();
        if (ftrace_nsites)
            printk("ftrace: %s, %d call sites patched\n", on ? "on" : "off", n);
    }
}

void trace_boot_done(void)
{
    trace_channel_start();
}

/* Boot option ftrace_filter=GLOB[,GLOB...]: applied before the groups. */
void ftrace_boot_filter(void)
{
    char g[256];
    if (cmdline_get(kernel_cmdline, "ftrace_filter", g, sizeof g)) {
        int n = ftrace_set_glob(g);
        printk("ftrace: filter '%s' selects %d of %d functions\n", g, n, ftrace_nsites);
    }
}
