/*
 * Tracing: the emission API of the trace rings (docs/protocol.md, trace
 * protocol v1.0) and the tracepoints placed in the kernel.
 *
 * Every emitter checks its group bit first (trace_on) and costs one load
 * and a branch when the group is off.  Records go into the calling CPU's
 * ring with interrupts disabled (protocol rules W1..W9, trace/ring_core.c);
 * an emitter never blocks and never allocates.  Emitters return 1 when the
 * record was written, 0 when it was dropped (group off, ring full in
 * streaming mode, nesting, tracing not initialised); drops by a full ring
 * or nesting are counted in the page headers' `lost`.
 *
 * Heap debugging (mm/heapdebug*.c, mm/leakscan*.c, mm/stackdepot*.c) emits
 * its records through trace_stack_def .. trace_leak_scan_done below.
 * Allocation events: the kmalloc tracepoint (mm/heap.c) writes `alloc` with
 * stack_id 0 unless heap debugging sets trace_heap_owns_alloc, in which case
 * heapdebug writes `alloc` itself (with its stack id, after the stack_def)
 * with trace_alloc().  `free` is always written by the kfree tracepoint.
 */
#ifndef TRACE_H
#define TRACE_H
#include <stddef.h>
#include <stdint.h>

/* Groups (protocol section 7.1): bit numbers. */
enum trace_group {
    TG_SCHED = 0,
    TG_IRQ = 1,
    TG_TIMER = 2,
    TG_FAULT = 3,
    TG_ALLOC = 4,
    TG_MARKER = 5,
    TG_FUNC = 6,
    TG_GRAPH = 7,
    TG_PROFILE = 8,
    TG_HEAP = 9,
    TG_LEAK = 10,
    TG_COUNT = 11,
};
#define TG_BIT(g)  (1u << (g))
#define TG_ALL     ((1u << TG_COUNT) - 1)
#define TG_DEFAULT TG_BIT(TG_MARKER)

/* Core event ids (protocol section 7.2). */
enum trace_event_id {
    EV_THREAD_NAME = 1,
    EV_SCHED_SWITCH = 2,
    EV_SCHED_WAKEUP = 3,
    EV_IRQ_ENTRY = 4,
    EV_IRQ_EXIT = 5,
    EV_TIMER_EXPIRE = 6,
    EV_PAGE_FAULT = 7,
    EV_ALLOC = 8,
    EV_FREE = 9,
    EV_MARKER_BEGIN = 10,
    EV_MARKER_END = 11,
    EV_MARKER_INSTANT = 12,
    EV_MARKER_COUNTER = 13,
    EV_FUNC_ENTRY = 14,
    EV_GRAPH_ENTRY = 15,
    EV_GRAPH_EXIT = 16,
    EV_PROFILE_SAMPLE = 17,
    EV_STACK_DEF = 18,
    EV_HEAP_FINDING = 19,
    EV_HEAP_OBJECT = 20,
    EV_HEAP_SNAPSHOT_DONE = 21,
    EV_LEAK = 22,
    EV_LEAK_SCAN_DONE = 23,
    EV_MAX = 23,
};

/* heap_finding.kind */
enum trace_heap_finding_kind {
    HF_REDZONE = 1,
    HF_USE_AFTER_FREE = 2,
    HF_DOUBLE_FREE = 3,
    HF_INVALID_FREE = 4,
    HF_SIZE_MISMATCH = 5,
};

#define TRACE_MAX_STACK  64  /* frames in a STACK field */
#define TRACE_MAX_STRING 255 /* bytes in a STRING field */

/* Groups enabled now (bit mask of enum trace_group). */
extern volatile uint32_t trace_groups;
static inline int trace_on(unsigned group)
{
    return (trace_groups >> group) & 1;
}
uint32_t trace_start(uint32_t mask); /* enables groups, returns the mask now */
uint32_t trace_stop(uint32_t mask);  /* disables groups, returns the mask now */

/* Set by heap debugging while it emits `alloc` itself (see above). */
extern volatile int trace_heap_owns_alloc;

/* ---- heap debugging and leak scan emitters (group heap / leak) ----------
 * These write regardless of the group mask when called for a command
 * (HEAP_SNAPSHOT, LEAK_SCAN: protocol 7.1); for events that happen on their
 * own (findings, stack definitions for allocations) the caller checks
 * trace_on(TG_HEAP) first if it wants the mask to apply. */
int trace_alloc(const void *ptr, uint64_t size, const void *caller, uint32_t stack_id);
int trace_free(const void *ptr, const void *caller);
/* frames: return addresses, leaf first, n <= TRACE_MAX_STACK (longer is cut). */
int trace_stack_def(uint32_t stack_id, const uint64_t *frames, unsigned n);
struct trace_heap_finding {
    uint32_t kind; /* enum trace_heap_finding_kind */
    uint32_t alloc_stack;
    uint64_t ptr;
    uint64_t size;
    uint64_t bad_address;
    uint32_t free_stack; /* 0 when not yet freed */
    uint32_t detect_stack;
    uint32_t tid;
};
int trace_heap_finding(const struct trace_heap_finding *f);
int trace_heap_object(const void *ptr, uint64_t size, uint32_t alloc_stack, uint32_t snapshot_id);
int trace_heap_snapshot_done(uint32_t snapshot_id, uint32_t objects, uint64_t bytes);
int trace_leak(const void *ptr, uint64_t size, uint32_t alloc_stack, uint32_t scan_id,
               uint64_t age_ns);
int trace_leak_scan_done(uint32_t scan_id, uint32_t leaks, uint64_t scanned, uint64_t leaked_bytes);

/* ---- other emitters ---------------------------------------------------- */
struct thread;
void trace_ev_sched_switch(struct thread *prev, struct thread *next);
void trace_ev_sched_wakeup(struct thread *t, int from_cpu);
void trace_ev_thread_name(struct thread *t);
void trace_ev_irq_entry(uint64_t vector, uint64_t rip);
void trace_ev_irq_exit(uint64_t vector);
void trace_ev_timer(const void *timer, const void *fn, uint64_t expires_ns);
void trace_ev_page_fault(uint64_t address, uint64_t rip, uint32_t error_code);
void trace_ev_marker(uint16_t id, const char *name, int64_t value);
void trace_tick(void); /* scheduler tick on this CPU: timer_expire, flush requests */
struct trapframe;
int trace_timer_irq(struct trapframe *tf); /* every LAPIC timer IRQ; 1 = scheduler tick due */

/* ---- boot and shutdown (core/main.c, core/app.c, core/layout.c) --------- */
void trace_init(void);        /* rings, directory, metadata, boot options; after SMP start */
void trace_boot_done(void);   /* function tracer, data channel; before the app starts */
void trace_final_drain(void); /* app exit: close every current page and send what is left */
void trace_channel_wait_started(void); /* app thread, before main: the carrier is up */
void trace_layout_region(uint64_t *start, uint64_t *size, uint64_t *phys);
void ftrace_init(void); /* boot CPU, before the APs start: every -pg call site becomes a NOP */

/* Function-graph tracer: return addresses it hooked read as
 * ftrace_return_to_handler.  For a frame-pointer walk of the *current*
 * thread (leaf first), replaces each such address by the real one from the
 * thread's shadow stack (as Linux's ftrace_graph_ret_addr). */
void trace_graph_fixup(uint64_t *frames, unsigned n);

/* Stop-machine IPI of the function tracer's code patching (arch/x86_64/idt.c). */
#define VEC_TRACE_STOP 0xf1
void trace_stop_ipi(void);

/* ---- tracepoints (call sites in sched/, arch/, mm/) --------------------- */
#define trace_sched_switch(prev, next)                                                             \
    do {                                                                                           \
        if (trace_on(TG_SCHED))                                                                    \
            trace_ev_sched_switch(prev, next);                                                     \
    } while (0)
#define trace_sched_wakeup(t, from_cpu)                                                            \
    do {                                                                                           \
        if (trace_on(TG_SCHED))                                                                    \
            trace_ev_sched_wakeup(t, from_cpu);                                                    \
    } while (0)
#define trace_irq_entry(vector, rip)                                                               \
    do {                                                                                           \
        if (trace_on(TG_IRQ))                                                                      \
            trace_ev_irq_entry(vector, rip);                                                       \
    } while (0)
#define trace_irq_exit(vector)                                                                     \
    do {                                                                                           \
        if (trace_on(TG_IRQ))                                                                      \
            trace_ev_irq_exit(vector);                                                             \
    } while (0)
/* The scheduler tick (the only timer in the kernel): timer_expire with
 * timer = the CPU's tick, function = timer_irq. */
#define trace_timer_tick(cpu)                                                                      \
    do {                                                                                           \
        (void)(cpu);                                                                               \
        trace_tick();                                                                              \
    } while (0)
#define trace_exception(vector, rip) ((void)(vector), (void)(rip))
#define trace_page_fault(addr, rip, err)                                                           \
    do {                                                                                           \
        if (trace_on(TG_FAULT))                                                                    \
            trace_ev_page_fault(addr, rip, err);                                                   \
    } while (0)
#define trace_kmalloc(ptr, size, site)                                                             \
    do {                                                                                           \
        if (trace_on(TG_ALLOC) && (ptr) && !trace_heap_owns_alloc)                                 \
            trace_alloc(ptr, size, site, 0);                                                       \
    } while (0)
#define trace_kfree(ptr, site)                                                                     \
    do {                                                                                           \
        if (trace_on(TG_ALLOC))                                                                    \
            trace_free(ptr, site);                                                                 \
    } while (0)
#endif
