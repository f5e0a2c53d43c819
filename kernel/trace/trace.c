/*
 * Tracing glue: the per-CPU rings and their directory (docs/protocol.md
 * sections 5, 10, 11), the group mask, the event emitters declared in
 * trace.h, and the boot options (trace=, profile=, heap=track,
 * tracepages=, tracemode=, data=).  The ring logic itself is pure and
 * host-tested (ring_core.c); this file only adds interrupts-off, the
 * per-CPU ring lookup and the clock.
 */
#include "kernel.h"
#include "arch.h"
#include "cmdline.h"
#include "layout.h"
#include "mm.h"
#include "percpu.h"
#include "sched.h"
#include "string.h"
#include "trace.h"
#include "trace_int.h"
#include "trace_ring.h"
#include "x86.h"

volatile uint32_t trace_groups = TG_DEFAULT;
volatile int trace_heap_owns_alloc;
struct ring_geom trace_geom = {4096, 256, UT_MODE_STREAM};
struct trace_dir *trace_dir;
uint64_t trace_dir_phys;
uint8_t trace_meta[4096];
uint32_t trace_meta_len;
int trace_carrier = TRACE_DATA_COM2;
static volatile int trace_ready;
struct trace_cpu trace_cpu[MAX_CPUS];

NOTRACE static inline struct trace_ring *my_ring(void)
{
    return (struct trace_ring *)this_cpu()->trace_ring;
}

NOTRACE static void copy(void *d, const void *s, size_t n)
{
    uint8_t *dd = d;
    const uint8_t *ss = s;
    while (n--)
        *dd++ = *ss++;
}

/* Writes one record: `fixed` (fsize bytes) with the data_loc at dloc_off
 * (or -1) describing `dyn` (dlen bytes, already clamped).  Returns 1 if
 * written. */
NOTRACE int trace_emit(uint16_t id, void *fixed, uint32_t fsize, int dloc_off, const void *dyn,
                       uint32_t dlen)
{
    if (!__atomic_load_n(&trace_ready, __ATOMIC_ACQUIRE))
        return 0;
    uint32_t size = (UT_RECORD_HEADER + fsize + dlen + 7) & ~7u;
    int ok = 0;
    uint64_t f = irq_save();
    struct trace_ring *r = my_ring();
    if (r && ring_enter(r)) {
        uint64_t now = now_ns(); /* W4: after cli */
        struct trace_cpu *tc = &trace_cpu[r->cpu];
        if (tc->flush_req && ring_flush(r, &trace_geom, now) >= 0)
            tc->flush_req = 0; /* W9; a full ring keeps the request pending */
        struct ut_rec_hdr *h = ring_reserve(r, &trace_geom, id, size, now);
        if (h) {
            if (dloc_off >= 0)
                *(uint32_t *)((uint8_t *)fixed + dloc_off) = dlen ? (fsize | dlen << 16) : 0;
            uint8_t *p = (uint8_t *)(h + 1);
            copy(p, fixed, fsize);
            copy(p + fsize, dyn, dlen);
            for (uint32_t i = UT_RECORD_HEADER + fsize + dlen; i < size; i++)
                ((uint8_t *)h)[i] = 0;
            ring_commit(r, &trace_geom, h);
            ok = 1;
        }
        ring_exit(r);
    }
    irq_restore(f);
    return ok;
}

NOTRACE static uint32_t str_clamp(const char *s)
{
    uint32_t n = 0;
    if (!s)
        return 0;
    while (n < TRACE_MAX_STRING && s[n])
        n++;
    return n;
}

NOTRACE static uint32_t tid_of(struct thread *t)
{
    return t ? (uint32_t)t->id : 0;
}

/* The hello's sample_hz: the sampler's rate while `profile` is on, else 0. */
NOTRACE static uint32_t effective_sample_hz(uint32_t groups)
{
    return (groups & TG_BIT(TG_PROFILE)) ? trace_sample_hz : 0;
}

/* Copies groups and sample_hz into the ring directory (protocol section
 * 11), for a host that reads the rings out of memory and has no hello.
 * Called after every change of the mask.  Each field is one aligned 32-bit
 * store, sample_hz first; two callers racing may store in either order, so
 * each stores again until what it stored is still current: the last store
 * then carries the newest values. */
NOTRACE static void publish_hello_fields(void)
{
    if (!trace_dir)
        return;
    uint32_t g, hz;
    do {
        g = __atomic_load_n(&trace_groups, __ATOMIC_SEQ_CST);
        hz = effective_sample_hz(g);
        __atomic_store_n(&trace_dir->sample_hz, hz, __ATOMIC_RELEASE);
        __atomic_store_n(&trace_dir->groups, g, __ATOMIC_RELEASE);
    } while (g != __atomic_load_n(&trace_groups, __ATOMIC_SEQ_CST) || hz != effective_sample_hz(g));
}

uint32_t trace_start(uint32_t mask)
{
    uint32_t old = __atomic_fetch_or(&trace_groups, mask & TG_ALL, __ATOMIC_SEQ_CST);
    trace_groups_changed();
    publish_hello_fields();
    if (!(old & TG_BIT(TG_SCHED)) && (mask & TG_BIT(TG_SCHED)))
        trace_replay_thread_names();
    return old | (mask & TG_ALL);
}

NOTRACE uint32_t trace_stop(uint32_t mask)
{
    uint32_t now = __atomic_and_fetch(&trace_groups, ~mask, __ATOMIC_SEQ_CST);
    trace_groups_changed();
    publish_hello_fields();
    return now;
}

/* ---- heap / leak ------------------------------------------------------- */

NOTRACE int trace_alloc(const void *ptr, uint64_t size, const void *caller, uint32_t stack_id)
{
    struct {
        uint64_t ptr, size, caller;
        uint32_t stack_id, pad;
    } e = {(uint64_t)ptr, size, (uint64_t)caller, stack_id, 0};
    return trace_emit(EV_ALLOC, &e, sizeof e, -1, 0, 0);
}

NOTRACE int trace_free(const void *ptr, const void *caller)
{
    uint64_t e[2] = {(uint64_t)ptr, (uint64_t)caller};
    return trace_emit(EV_FREE, e, sizeof e, -1, 0, 0);
}

NOTRACE int trace_stack_def(uint32_t stack_id, const uint64_t *frames, unsigned n)
{
    uint32_t e[2] = {stack_id, 0};
    if (n > TRACE_MAX_STACK)
        n = TRACE_MAX_STACK;
    return trace_emit(EV_STACK_DEF, e, sizeof e, 4, frames, n * 8);
}

NOTRACE int trace_heap_finding(const struct trace_heap_finding *f)
{
    struct {
        uint32_t kind, alloc_stack;
        uint64_t ptr, size, bad_address;
        uint32_t free_stack, detect_stack, tid, pad;
    } e = {f->kind,       f->alloc_stack,  f->ptr, f->size, f->bad_address,
           f->free_stack, f->detect_stack, f->tid, 0};
    return trace_emit(EV_HEAP_FINDING, &e, sizeof e, -1, 0, 0);
}

NOTRACE int trace_heap_object(const void *ptr, uint64_t size, uint32_t alloc_stack,
                              uint32_t snapshot_id)
{
    struct {
        uint64_t ptr, size;
        uint32_t alloc_stack, snapshot_id;
    } e = {(uint64_t)ptr, size, alloc_stack, snapshot_id};
    return trace_emit(EV_HEAP_OBJECT, &e, sizeof e, -1, 0, 0);
}

NOTRACE int trace_heap_snapshot_done(uint32_t snapshot_id, uint32_t objects, uint64_t bytes)
{
    struct {
        uint32_t snapshot_id, objects;
        uint64_t bytes;
    } e = {snapshot_id, objects, bytes};
    return trace_emit(EV_HEAP_SNAPSHOT_DONE, &e, sizeof e, -1, 0, 0);
}

NOTRACE int trace_leak(const void *ptr, uint64_t size, uint32_t alloc_stack, uint32_t scan_id,
                       uint64_t age_ns)
{
    struct {
        uint64_t ptr, size;
        uint32_t alloc_stack, scan_id;
        uint64_t age_ns;
    } e = {(uint64_t)ptr, size, alloc_stack, scan_id, age_ns};
    return trace_emit(EV_LEAK, &e, sizeof e, -1, 0, 0);
}

NOTRACE int trace_leak_scan_done(uint32_t scan_id, uint32_t leaks, uint64_t scanned,
                                 uint64_t leaked_bytes)
{
    struct {
        uint32_t scan_id, leaks;
        uint64_t scanned, leaked_bytes;
    } e = {scan_id, leaks, scanned, leaked_bytes};
    return trace_emit(EV_LEAK_SCAN_DONE, &e, sizeof e, -1, 0, 0);
}

/* ---- scheduler, irq, timer, fault, markers ------------------------------ */

NOTRACE void trace_ev_sched_switch(struct thread *prev, struct thread *next)
{
    struct {
        uint32_t prev_tid, next_tid;
        uint8_t prev_state, prev_prio, next_prio, pad[5];
        char next_comm[16];
    } e = {0};
    e.prev_tid = tid_of(prev);
    e.next_tid = tid_of(next);
    int st = prev ? prev->state : 0;
    e.prev_state = st == T_DEAD ? 2 : (st == T_SLEEPING || st == T_BLOCKED) ? 1 : 0;
    if (next)
        for (int i = 0; i < 16 && next->name[i]; i++)
            e.next_comm[i] = next->name[i];
    trace_emit(EV_SCHED_SWITCH, &e, sizeof e, -1, 0, 0);
}

NOTRACE void trace_ev_sched_wakeup(struct thread *t, int from_cpu)
{
    (void)from_cpu;
    struct {
        uint32_t tid;
        uint16_t target_cpu;
        uint8_t prio, pad;
    } e = {tid_of(t), (uint16_t)(t ? t->cpu : 0), 0, 0};
    trace_emit(EV_SCHED_WAKEUP, &e, sizeof e, -1, 0, 0);
}

/* Names of the last NAME_CACHE threads created (copies: no pointer to a
 * thread that may be freed), replayed as thread_name records when `sched`
 * is started and on INFO, so a host that connects late learns them. */
#define NAME_CACHE 256
static struct {
    uint32_t tid;
    char name[THREAD_NAME_MAX];
} name_cache[NAME_CACHE];
static uint32_t name_count;
static spinlock_t name_lock = SPINLOCK_INIT;

static NOTRACE void emit_name(uint32_t tid, const char *name)
{
    uint32_t e[2] = {tid, 0};
    trace_emit(EV_THREAD_NAME, e, sizeof e, 4, name, str_clamp(name));
}

NOTRACE void trace_ev_thread_name(struct thread *t)
{
    if (!t)
        return;
    uint64_t f = spin_lock_irqsave(&name_lock);
    uint32_t i = name_count++ % NAME_CACHE;
    name_cache[i].tid = tid_of(t);
    for (int k = 0; k < THREAD_NAME_MAX; k++)
        name_cache[i].name[k] = k < THREAD_NAME_MAX - 1 ? t->name[k] : 0;
    spin_unlock_irqrestore(&name_lock, f);
    if (trace_on(TG_SCHED))
        emit_name(tid_of(t), t->name);
}

void trace_replay_thread_names(void)
{
    if (!trace_on(TG_SCHED))
        return;
    uint32_t n = name_count < NAME_CACHE ? name_count : NAME_CACHE;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t tid;
        char name[THREAD_NAME_MAX];
        uint64_t f = spin_lock_irqsave(&name_lock);
        tid = name_cache[i].tid;
        for (int k = 0; k < THREAD_NAME_MAX; k++)
            name[k] = name_cache[i].name[k];
        spin_unlock_irqrestore(&name_lock, f);
        emit_name(tid, name);
    }
}

NOTRACE void trace_ev_irq_entry(uint64_t vector, uint64_t rip)
{
    uint64_t e[2] = {(uint32_t)vector, rip};
    trace_emit(EV_IRQ_ENTRY, e, sizeof e, -1, 0, 0);
}

NOTRACE void trace_ev_irq_exit(uint64_t vector)
{
    uint64_t e[1] = {(uint32_t)vector};
    trace_emit(EV_IRQ_EXIT, e, sizeof e, -1, 0, 0);
}

NOTRACE void trace_ev_timer(const void *timer, const void *fn, uint64_t expires_ns)
{
    uint64_t e[3] = {(uint64_t)timer, (uint64_t)fn, expires_ns};
    trace_emit(EV_TIMER_EXPIRE, e, sizeof e, -1, 0, 0);
}

NOTRACE void trace_ev_page_fault(uint64_t address, uint64_t rip, uint32_t error_code)
{
    uint64_t e[3] = {address, rip, error_code};
    trace_emit(EV_PAGE_FAULT, e, sizeof e, -1, 0, 0);
}

NOTRACE void trace_ev_marker(uint16_t id, const char *name, int64_t value)
{
    if (!trace_on(TG_MARKER))
        return;
    struct thread *t = this_cpu()->current;
    struct {
        uint32_t tid, name;
        int64_t value;
    } e = {tid_of(t), 0, value};
    trace_emit(id, &e, id == EV_MARKER_COUNTER ? 16 : 8, 4, name, str_clamp(name));
}

/* ---- boot -------------------------------------------------------------- */

static const char *const group_names[TG_COUNT] = {"sched",   "irq",    "timer", "fault",
                                                  "alloc",   "marker", "func",  "graph",
                                                  "profile", "heap",   "leak"};

const char *trace_group_name(unsigned g)
{
    return g < TG_COUNT ? group_names[g] : "?";
}

/* "sched,irq,alloc" (or "all", "none") -> mask */
static uint32_t parse_groups(const char *s)
{
    uint32_t m = 0;
    while (*s) {
        char w[16];
        size_t n = 0;
        while (*s && *s != ',') {
            if (n + 1 < sizeof w)
                w[n++] = *s;
            s++;
        }
        w[n] = 0;
        if (*s == ',')
            s++;
        if (!strcmp(w, "all"))
            m |= TG_ALL & ~(TG_BIT(TG_FUNC) | TG_BIT(TG_GRAPH));
        for (unsigned g = 0; g < TG_COUNT; g++)
            if (!strcmp(w, group_names[g]))
                m |= TG_BIT(g);
        if (n && m == 0 && strcmp(w, "none"))
            printk("trace: unknown group '%s'\n", w);
    }
    return m;
}

void trace_layout_region(uint64_t *start, uint64_t *size, uint64_t *phys)
{
    *start = (uint64_t)trace_dir;
    *size = trace_dir ? 64 + 64 * (uint64_t)trace_dir->ncpu : 0;
    *phys = trace_dir_phys;
}

void trace_init(void)
{
    char v[128];
    uint64_t n;
    if (cmdline_get(kernel_cmdline, "data", v, sizeof v)) {
        if (!strcmp(v, "none"))
            trace_carrier = TRACE_DATA_NONE;
        else if (!strcmp(v, "vsock"))
            trace_carrier = TRACE_DATA_VSOCK;
    }
    trace_geom.mode = trace_carrier == TRACE_DATA_NONE ? UT_MODE_FLIGHT : UT_MODE_STREAM;
    if (cmdline_get(kernel_cmdline, "tracemode", v, sizeof v))
        trace_geom.mode = !strcmp(v, "flight") ? UT_MODE_FLIGHT : UT_MODE_STREAM;
    if (cmdline_get_u64(kernel_cmdline, "tracepages", &n)) {
        if (n >= 2 && n <= 262144 && !(n & (n - 1)))
            trace_geom.pages = (uint32_t)n;
        else
            printk("trace: tracepages=%lu ignored (power of two, 2..262144)\n", n);
    }
    /* Rings: physically contiguous per CPU, through the direct map. */
    uint64_t per = (uint64_t)trace_geom.pages * trace_geom.page_size / PAGE_SIZE;
    trace_dir_phys = pmm_alloc();
    trace_dir = P2V(trace_dir_phys);
    trace_dir->magic = UT_DIR_MAGIC;
    trace_dir->version = 1;
    trace_dir->page_size = trace_geom.page_size;
    trace_dir->pages_per_cpu = trace_geom.pages;
    trace_meta_len =
        ut_metadata_build(trace_meta, sizeof trace_meta, ut_core_events, ut_core_event_count);
    trace_dir->metadata_va = (uint64_t)trace_meta;
    trace_dir->metadata_len = trace_meta_len;
    trace_dir->mode = trace_geom.mode;
    int nr = 0;
    for (int c = 0; c < ncpus; c++) {
        uint64_t pa = pmm_alloc_contig(per);
        if (!pa) {
            printk("trace: no memory for the ring of cpu %d (%lu pages)\n", c, per);
            break;
        }
        ring_init(&trace_dir->rings[c], (uint16_t)c, P2V(pa));
        percpu_area[c].trace_ring = &trace_dir->rings[c];
        nr++;
    }
    trace_dir->ncpu = (uint16_t)nr;
    uint32_t groups = TG_DEFAULT;
    if (cmdline_get(kernel_cmdline, "trace", v, sizeof v))
        groups |= parse_groups(v);
    if (cmdline_get(kernel_cmdline, "heap", v, sizeof v) &&
        (!strcmp(v, "track") || !strcmp(v, "debug")))
        groups |= TG_BIT(TG_HEAP);
    if (cmdline_get_u64(kernel_cmdline, "profile", &n) && n) {
        trace_sampler_set_rate(n > 10000 ? 10000 : (uint32_t)n);
        groups |= TG_BIT(TG_PROFILE);
    }
    ftrace_boot_filter();
    __atomic_store_n(&trace_ready, nr == ncpus, __ATOMIC_RELEASE);
    trace_groups = groups;
    trace_groups_changed();
    publish_hello_fields();
    __atomic_store_n(&trace_dir->flags, UT_DIR_HELLO, __ATOMIC_RELEASE); /* after the fields */
    char gl[128];
    size_t o = 0;
    gl[0] = 0;
    for (unsigned g = 0; g < TG_COUNT; g++)
        if (groups & TG_BIT(g))
            o += snprintf(gl + o, sizeof gl - o, "%s%s", o ? "," : "", group_names[g]);
    printk("trace: rings %d x %u pages of %u B, mode=%s, data=%s, groups=%s, sample_hz=%u\n", nr,
           trace_geom.pages, trace_geom.page_size,
           trace_geom.mode == UT_MODE_FLIGHT ? "flight" : "stream",
           trace_carrier == TRACE_DATA_COM2    ? "com2"
           : trace_carrier == TRACE_DATA_VSOCK ? "vsock"
                                               : "none",
           gl, trace_sample_hz);
}
