/*
 * Leak scan (include/leakscan.h): kmemleak's algorithm over the objects
 * tracked by heap debugging.  Other CPUs are parked in helper threads with
 * interrupts off and this CPU runs with interrupts off, so no object,
 * stack or root changes while the mark phase runs.  Console report format:
 * docs/app-api.md, "Heap debugging console lines".
 */
#include "kernel.h"
#include "heapdebug.h"
#include "ksyms.h"
#include "leakscan.h"
#include "mm.h"
#include "percpu.h"
#include "sched.h"
#include "spinlock.h"
#include "stackdepot.h"
#include "string.h"
#include "trace.h"
#include "x86.h"

#ifdef TRACE_MAX_STACK
#define LS_EMIT 1
#else
#define LS_EMIT 0
#endif

#define MAX_EXCL       8
#define MAX_SITES      64
#define MAX_DETAILED   100 /* unreferenced objects printed with their stack */
#define MIN_AGE_MS_DEF 1000

const void *heapdebug_area(size_t *len);
const void *stackdepot_area(size_t *len);

static struct {
    int busy;
    uint32_t next_id;
    unsigned nexcl;
    struct {
        uint64_t start, end;
    } excl[MAX_EXCL + 3];
    volatile int park_release;
    volatile int parked;
} ls;

void leakscan_exclude(const void *start, size_t len)
{
    unsigned i = __atomic_fetch_add(&ls.nexcl, 1, __ATOMIC_RELAXED);
    if (i >= MAX_EXCL)
        return;
    ls.excl[i].start = (uint64_t)start;
    ls.excl[i].end = (uint64_t)start + len;
}

/* Scans [a, b) minus the excluded ranges (sorted copy in ex[0..n)). */
static void scan_root(struct ls_state *s, uint64_t a, uint64_t b, const uint64_t (*ex)[2],
                      unsigned n)
{
    for (unsigned i = 0; i < n && a < b; i++) {
        if (ex[i][1] <= a || ex[i][0] >= b)
            continue;
        if (ex[i][0] > a)
            ls_scan_range(s, (const void *)a, ex[i][0] - a);
        a = ex[i][1];
    }
    if (a < b)
        ls_scan_range(s, (const void *)a, b - a);
}

static void parker(void *arg)
{
    (void)arg;
    cli();
    __atomic_fetch_add(&ls.parked, 1, __ATOMIC_SEQ_CST);
    while (!__atomic_load_n(&ls.park_release, __ATOMIC_ACQUIRE))
        cpu_relax();
    __atomic_fetch_sub(&ls.parked, 1, __ATOMIC_SEQ_CST);
    sti();
}

struct site {
    uint32_t stack, count;
    uint64_t size, bytes;
};

static const char *top_fn(uint32_t stack)
{
    const uint64_t *f;
    uint64_t off;
    unsigned n = stackdepot_fetch(stack, &f);
    const char *name = n ? ksym_lookup(f[0], &off) : 0;
    return name ? name : "?";
}

static noinline int scan_impl(uint32_t scan_id, unsigned flags, struct leakscan_result *r,
                              const uint64_t *regs, uint64_t my_lo)
{
    uint64_t t0 = now_ns();
    int me = cpu_id();
    struct thread *self = thread_current();
    struct thread *parkers[MAX_CPUS] = {0};
    ls.park_release = 0;
    int want = 0;
    for (int c = 0; c < ncpus; c++) {
        if (c == me)
            continue;
        parkers[c] = thread_create("leakscan/park", parker, 0, c);
        if (parkers[c])
            want++;
    }
    while (__atomic_load_n(&ls.parked, __ATOMIC_ACQUIRE) < want)
        cpu_relax();
    uint64_t irq = irq_save();

    /* Objects, copied and sorted. */
    uint64_t lf = hd_lock_all();
    size_t n = 0;
    for (struct hd_hdr *h = hd_live_first(); h; h = h->next)
        n++;
    hd_unlock_all(lf);
    struct ls_obj *objs = heap_raw_alloc((n ? n : 1) * sizeof *objs);
    int status = 0;
    struct ls_state st;
    uint64_t min_age = cmdline_u64("leak_min_age", MIN_AGE_MS_DEF) * 1000000ull;
    if (!objs) {
        status = -2;
        goto unpark;
    }
    lf = hd_lock_all();
    size_t k = 0;
    size_t head = hd_head_room();
    for (struct hd_hdr *h = hd_live_first(); h && k < n; h = h->next, k++) {
        objs[k].start = (uint64_t)h + head;
        objs[k].size = h->size;
        objs[k].ts_ns = h->ts_ns;
        objs[k].alloc_stack = h->alloc_stack;
        objs[k].tid = h->tid;
        objs[k].flags =
            (h->flags & HD_F_NO_SCAN ? LS_NO_SCAN : 0) | (h->flags & HD_F_THREAD ? 0x100 : 0);
    }
    hd_unlock_all(lf);
    n = k;
    ls_sort(objs, n);
    ls_begin(&st, objs, n);

    /* Roots: .data and .bss minus the tracker's own metadata. */
    uint64_t ex[MAX_EXCL + 3][2];
    unsigned nex = 0;
    size_t len;
    const void *a = heapdebug_area(&len);
    ex[nex][0] = (uint64_t)a, ex[nex][1] = (uint64_t)a + len, nex++;
    a = stackdepot_area(&len);
    ex[nex][0] = (uint64_t)a, ex[nex][1] = (uint64_t)a + len, nex++;
    ex[nex][0] = (uint64_t)&ls, ex[nex][1] = (uint64_t)&ls + sizeof ls, nex++;
    for (unsigned i = 0; i < ls.nexcl && i < MAX_EXCL; i++, nex++)
        ex[nex][0] = ls.excl[i].start, ex[nex][1] = ls.excl[i].end;
    for (unsigned i = 1; i < nex; i++) /* insertion sort by start */
        for (unsigned j = i; j > 0 && ex[j - 1][0] > ex[j][0]; j--) {
            uint64_t t0_ = ex[j][0], t1 = ex[j][1];
            ex[j][0] = ex[j - 1][0], ex[j][1] = ex[j - 1][1];
            ex[j - 1][0] = t0_, ex[j - 1][1] = t1;
        }
    scan_root(&st, (uint64_t)__data_start, (uint64_t)__data_end, ex, nex);
    scan_root(&st, (uint64_t)__bss_start, (uint64_t)__bss_end, ex, nex);

    /* This thread: its callers' frames and registers. */
    ls_scan_range(&st, regs, 6 * sizeof *regs);
    if (self && self->stack)
        ls_scan_range(&st, (const void *)my_lo, (uint64_t)self->stack + self->stack_size - my_lo);

    /* Every other thread: from its saved RSP (callee-saved registers and
     * interrupt frames are stored there) to the top of its stack. */
    for (size_t i = 0; i < n; i++) {
        if (!(objs[i].flags & 0x100))
            continue;
        struct thread *t = (struct thread *)objs[i].start;
        int skip = t == self;
        for (int c = 0; c < ncpus; c++)
            skip |= t == parkers[c];
        uint64_t lo = t->stack ? (uint64_t)t->stack : 0, hi = lo + t->stack_size;
        if (skip || !lo || t->rsp < lo || t->rsp >= hi)
            continue;
        ls_scan_range(&st, (const void *)t->rsp, hi - t->rsp);
    }
    ls_drain(&st);

unpark:
    __atomic_store_n(&ls.park_release, 1, __ATOMIC_RELEASE);
    irq_restore(irq);
    for (int c = 0; c < ncpus; c++)
        if (parkers[c])
            thread_join(parkers[c]);
    uint64_t t1 = now_ns();
    if (status) {
        r->status = status;
        return status;
    }

    /* Sweep: white and old enough = leak.  Compact them to the front. */
    size_t nleak = 0;
    uint64_t young = 0, leaked_bytes = 0;
    if (flags & LEAKSCAN_ALL_AGES)
        min_age = 0;
    for (size_t i = 0; i < n; i++) {
        if (objs[i].color != LS_WHITE)
            continue;
        if (!ls_is_leak(&objs[i], t0, min_age)) {
            young++;
            continue;
        }
        objs[nleak++] = objs[i];
        leaked_bytes += objs[i].size;
    }
    r->scan_id = scan_id;
    r->leaks = (uint32_t)nleak;
    r->leaked_bytes = leaked_bytes;
    r->objects = n;
    r->scanned = st.scanned;
    r->young = young;
    r->duration_ns = t1 - t0;
    r->status = 0;

    struct site sites[MAX_SITES];
    unsigned nsites = 0, other = 0;
    for (size_t i = 0; i < nleak; i++) {
        unsigned j;
        for (j = 0; j < nsites; j++)
            if (sites[j].stack == objs[i].alloc_stack && sites[j].size == objs[i].size)
                break;
        if (j == nsites) {
            if (nsites == MAX_SITES) {
                other++;
                continue;
            }
            sites[nsites++] = (struct site){objs[i].alloc_stack, 0, objs[i].size, 0};
        }
        sites[j].count++;
        sites[j].bytes += objs[i].size;
    }

    if (flags & LEAKSCAN_PRINT) {
        printk("leakscan: begin id=%u objects=%lu young=%lu min_age_ms=%lu\n", scan_id, n, young,
               min_age / 1000000);
        for (size_t i = 0; i < nleak && i < MAX_DETAILED && !(flags & LEAKSCAN_BRIEF); i++) {
            printk("leakscan: unreferenced object 0x%lx size=%lu age_ms=%lu tid=%u stack=%u\n",
                   objs[i].start, objs[i].size, (t0 - objs[i].ts_ns) / 1000000, objs[i].tid,
                   objs[i].alloc_stack);
            stackdepot_print(objs[i].alloc_stack, "leakscan:   ");
        }
        for (unsigned j = 0; j < nsites; j++)
            printk("leakscan: site fn=%s size=%lu count=%u bytes=%lu stack=%u\n",
                   top_fn(sites[j].stack), sites[j].size, sites[j].count, sites[j].bytes,
                   sites[j].stack);
        if (other)
            printk("leakscan: site fn=(more) count=%u\n", other);
        printk("leakscan: end id=%u leaks=%lu leaked_bytes=%lu objects=%lu scanned=%lu "
               "young=%lu duration_us=%lu\n",
               scan_id, nleak, leaked_bytes, n, st.scanned, young, (t1 - t0) / 1000);
    }
#if LS_EMIT
    if (flags & LEAKSCAN_EMIT) {
        /* stack_def once per stack used by this scan, before its records */
        uint32_t bits = stackdepot_count() + 1;
        uint8_t *seen = heap_raw_alloc(bits / 8 + 1);
        if (seen)
            memset(seen, 0, bits / 8 + 1);
        for (size_t i = 0; i < nleak; i++) {
            uint32_t sid = objs[i].alloc_stack;
            int first = sid != 0;
            if (first && seen && sid < bits) {
                first = !(seen[sid / 8] & (1u << (sid % 8)));
                seen[sid / 8] |= (uint8_t)(1u << (sid % 8));
            }
            if (first) {
                const uint64_t *f;
                unsigned nf = stackdepot_fetch(sid, &f);
                trace_stack_def(sid, f, nf);
            }
            trace_leak((const void *)objs[i].start, objs[i].size, sid, scan_id, t0 - objs[i].ts_ns);
        }
        if (seen)
            heap_raw_free(seen);
        trace_leak_scan_done(scan_id, (uint32_t)nleak, n, leaked_bytes);
    }
#endif
    heap_raw_free(objs);
    return 0;
}

noinline int leakscan_run(uint32_t scan_id, unsigned flags, struct leakscan_result *out)
{
    struct leakscan_result dummy;
    if (!out)
        out = &dummy;
    memset(out, 0, sizeof *out);
    if (!heapdebug_mode()) {
        out->status = -1;
        if (flags & LEAKSCAN_PRINT)
            printk("leakscan: unavailable (boot with heap=track or heap=debug)\n");
        return -1;
    }
    if (__atomic_exchange_n(&ls.busy, 1, __ATOMIC_ACQUIRE)) {
        out->status = -3;
        return -3;
    }
    if (!scan_id)
        scan_id = ls_next_id(&ls.next_id);
    /* The caller's callee-saved registers, as on entry. */
    uint64_t regs[6];
    __asm__ volatile("mov %%rbx, 0(%0); mov %%r12, 8(%0); mov %%r13, 16(%0);"
                     "mov %%r14, 24(%0); mov %%r15, 32(%0); mov %%rbp, 40(%0)"
                     :
                     : "r"(regs)
                     : "memory");
    /* Stack from just below this frame's saved registers upwards: the
     * callers' frames (the scan's own frames below are not roots). */
    uint64_t lo = (uint64_t)__builtin_frame_address(0) - 64;
    int r = scan_impl(scan_id, flags, out, regs, lo);
    __atomic_store_n(&ls.busy, 0, __ATOMIC_RELEASE);
    return r;
}
