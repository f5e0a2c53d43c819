/*
 * Heap debugging on the heap seam (include/heapdebug.h, docs/app-api.md
 * "Heap debugging console lines").  Each block from heap_raw_alloc carries
 * a struct hd_hdr (size, stack ids, time, thread) in front of the object;
 * live blocks are on a doubly linked list (oldest first) that the leak
 * scan and snapshots iterate.  heap=debug adds redzones (0xcc) on both
 * sides, fills new objects with 0x5a, freed ones with 0x6b, and keeps
 * freed blocks in a FIFO quarantine bounded in bytes; a block leaving the
 * quarantine is checked for writes after free.
 */
#include "kernel.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "heap_core.h"
#include "heapdebug.h"
#include "ksyms.h"
#include "layout.h"
#include "mm.h"
#include "percpu.h"
#include "sched.h"
#include "spinlock.h"
#include "stackdepot.h"
#include "string.h"
#include "trace.h"

/* trace.h of the trace protocol (TRACE_MAX_STACK) declares the emitters. */
#ifdef TRACE_MAX_STACK
#define HD_EMIT 1
#else
#define HD_EMIT 0
#endif

#define QUARANTINE_DEFAULT (1u << 20)

/* All tracker state in one object, excluded from the leak scan's roots. */
static struct {
    spinlock_t lock;
    int mode;
    size_t lrz;  /* left redzone bytes */
    size_t head; /* header + left redzone */
    struct hd_hdr *live_head, *live_tail;
    uint64_t live_objects, live_bytes;
    struct hd_quarantine q;
    uint64_t findings;
    uint64_t thread_fn; /* start of thread_create, once seen */
    spinlock_t report_lock;
} hd = {.lock = SPINLOCK_INIT, .report_lock = SPINLOCK_INIT};

const void *heapdebug_area(size_t *len)
{
    *len = sizeof hd;
    return &hd;
}

int heapdebug_mode(void)
{
    return hd.mode;
}

size_t hd_head_room(void)
{
    return hd.head;
}

uint64_t hd_lock_all(void)
{
    return spin_lock_irqsave(&hd.lock);
}

void hd_unlock_all(uint64_t flags)
{
    spin_unlock_irqrestore(&hd.lock, flags);
}

struct hd_hdr *hd_live_first(void)
{
    return hd.live_head;
}

static uint32_t current_tid(void)
{
    struct percpu *c = this_cpu();
    return c && c->current ? (uint32_t)c->current->id : 0;
}

static void emit_stack_def(uint32_t id)
{
#if HD_EMIT
    const uint64_t *f;
    unsigned n = stackdepot_fetch(id, &f);
    if (n)
        trace_stack_def(id, f, n);
#else
    (void)id;
#endif
}

/* The allocation/free/detection stack: frames from `caller` outwards when
 * it is found in the walk (skips the heap's own frames), else all. */
static uint32_t capture(void *caller, int *is_new)
{
    uint64_t fr[STACKDEPOT_MAX_DEPTH + 8];
    unsigned n = stack_capture(fr, ARRAY_SIZE(fr), 0);
    unsigned s = 0;
    if (caller) {
        for (unsigned i = 0; i < n && i < 8; i++)
            if (fr[i] == (uint64_t)caller) {
                s = i;
                break;
            }
    }
    return stackdepot_save(fr + s, n - s, is_new);
}

static uint32_t capture_emit(void *caller)
{
    int is_new;
    uint32_t id = capture(caller, &is_new);
#if HD_EMIT
    if (is_new && (trace_on(TG_HEAP) || trace_on(TG_ALLOC)))
        emit_stack_def(id);
#endif
    return id;
}

static struct hd_hdr *hdr_of(const void *p)
{
    return (struct hd_hdr *)((uint8_t *)p - hd.head);
}

static void *obj_of(struct hd_hdr *h)
{
    return (uint8_t *)h + hd.head;
}

static const char *const kind_names[] = {"?",           "redzone-overwritten", "use-after-free",
                                         "double-free", "invalid-free",        "size-mismatch"};

/* One finding: console report and heap_finding event.  h may be NULL
 * (invalid free of an unknown pointer). */
static void report(uint32_t kind, struct hd_hdr *h, const void *ptr, uint64_t bad,
                   uint32_t detect_stack)
{
    __atomic_fetch_add(&hd.findings, 1, __ATOMIC_RELAXED);
    uint64_t now = now_ns();
    uint64_t f = spin_lock_irqsave(&hd.report_lock);
    printk("heapdebug: BUG %s ptr=0x%lx size=%lu bad_address=0x%lx offset=%ld tid=%u cpu=%d\n",
           kind_names[kind < 6 ? kind : 0], (uint64_t)ptr, h ? h->size : 0, bad,
           bad ? (long)(bad - (uint64_t)ptr) : 0L, current_tid(), cpu_id());
    if (h) {
        printk("heapdebug: alloc stack=%u tid=%u age_ms=%lu\n", h->alloc_stack, h->tid,
               (now - h->ts_ns) / 1000000);
        stackdepot_print(h->alloc_stack, "heapdebug:   ");
        if (h->free_stack) {
            printk("heapdebug: free stack=%u\n", h->free_stack);
            stackdepot_print(h->free_stack, "heapdebug:   ");
        }
    }
    printk("heapdebug: detect stack=%u\n", detect_stack);
    stackdepot_print(detect_stack, "heapdebug:   ");
    printk("heapdebug: end\n");
    spin_unlock_irqrestore(&hd.report_lock, f);
#if HD_EMIT
    if (h) {
        emit_stack_def(h->alloc_stack);
        if (h->free_stack)
            emit_stack_def(h->free_stack);
    }
    emit_stack_def(detect_stack);
    struct trace_heap_finding ev = {
        .kind = kind,
        .alloc_stack = h ? h->alloc_stack : 0,
        .ptr = (uint64_t)ptr,
        .size = h ? h->size : 0,
        .bad_address = bad,
        .free_stack = h ? h->free_stack : 0,
        .detect_stack = detect_stack,
        .tid = current_tid(),
    };
    trace_heap_finding(&ev);
#endif
}

static int is_thread_alloc(size_t size, void *caller)
{
    if (size != sizeof(struct thread))
        return 0;
    uint64_t off;
    if (hd.thread_fn) {
        const char *n = ksym_lookup((uint64_t)caller, &off);
        return n && (uint64_t)caller - off == hd.thread_fn;
    }
    const char *n = ksym_lookup((uint64_t)caller, &off);
    if (n && !strcmp(n, "thread_create")) {
        hd.thread_fn = (uint64_t)caller - off;
        return 1;
    }
    return 0;
}

static void *hd_alloc(size_t size, void *caller)
{
    if (size > ((size_t)1 << 40))
        return 0;
    uint32_t stack = capture_emit(caller);
    size_t block = hd.head + size + (hd.mode == HEAPDEBUG_DEBUG ? hd_rrz(size) : 0);
    struct hd_hdr *h = heap_raw_alloc(block);
    if (!h)
        return 0;
    uint8_t *obj = obj_of(h);
    h->size = size;
    h->ts_ns = now_ns();
    h->alloc_stack = stack;
    h->free_stack = 0;
    h->tid = current_tid();
    h->flags = is_thread_alloc(size, caller) ? HD_F_THREAD : 0;
    h->block = (uint32_t)(block > 0xffffffffu ? 0xffffffffu : block);
    if (hd.mode == HEAPDEBUG_DEBUG) {
        hd_fill(obj - hd.lrz, hd.lrz, HD_POISON_REDZONE);
        hd_fill(obj, size, HD_POISON_ALLOC);
        hd_fill(obj + size, hd_rrz(size), HD_POISON_REDZONE);
    }
    uint64_t f = spin_lock_irqsave(&hd.lock);
    h->magic = HD_MAGIC_LIVE;
    h->next = 0;
    h->prev = hd.live_tail;
    if (hd.live_tail)
        hd.live_tail->next = h;
    else
        hd.live_head = h;
    hd.live_tail = h;
    hd.live_objects++;
    hd.live_bytes += size;
    spin_unlock_irqrestore(&hd.lock, f);
#if HD_EMIT
    if (trace_on(TG_ALLOC))
        trace_alloc(obj, size, caller, stack);
#endif
    return obj;
}

/* A pointer kfree may look behind: 16-aligned, inside the heap span, its
 * header mapped. */
static struct hd_hdr *valid_hdr(const void *p)
{
    uint64_t a = (uint64_t)p;
    if (a & 15 || a < bootinfo.heap_base + hd.head || a >= bootinfo.heap_base + HEAP_SPAN)
        return 0;
    struct hd_hdr *h = hdr_of(p);
    /* A small block's page stays mapped for ever; only a large block (its
     * header at the start of its first page) can have been unmapped, and
     * an object in the first block of a small page looks the same. */
    uint64_t off = a & (PAGE_SIZE - 1);
    if ((off == HEAP_HDR + hd.head || off < hd.head) && !vm_is_mapped((uint64_t)h))
        return 0; /* (a header reaching into the previous page: any pointer) */
    return h;
}

static void evict(struct hd_hdr *h)
{
    uint64_t bad = 0;
    int r = hd_check_freed(h, hd.lrz, &bad);
    if (r) {
        int dn;
        uint32_t det = capture(0, &dn);
        report(r == 1 ? HD_KIND_USE_AFTER_FREE : HD_KIND_REDZONE, h, obj_of(h), bad, det);
    }
    h->magic = HD_MAGIC_GONE;
    heap_raw_free(h);
}

static long hd_free(void *p, void *caller)
{
    struct hd_hdr *h = valid_hdr(p);
    if (!h ||
        (h->magic != HD_MAGIC_LIVE && h->magic != HD_MAGIC_QUAR && h->magic != HD_MAGIC_GONE)) {
        report(HD_KIND_INVALID_FREE, 0, p, (uint64_t)p, capture_emit(caller));
        return -1;
    }
    uint32_t fs = capture_emit(caller);
    uint64_t f = spin_lock_irqsave(&hd.lock);
    if (h->magic != HD_MAGIC_LIVE) {
        spin_unlock_irqrestore(&hd.lock, f);
        report(HD_KIND_DOUBLE_FREE, h, p, (uint64_t)p, fs);
        return -1;
    }
    /* unlink from the live list */
    if (h->prev)
        h->prev->next = h->next;
    else
        hd.live_head = h->next;
    if (h->next)
        h->next->prev = h->prev;
    else
        hd.live_tail = h->prev;
    hd.live_objects--;
    hd.live_bytes -= h->size;
    h->free_stack = fs;
    h->magic = hd.mode == HEAPDEBUG_DEBUG ? HD_MAGIC_QUAR : HD_MAGIC_GONE;
    spin_unlock_irqrestore(&hd.lock, f);
    long size = (long)h->size;
    if (hd.mode != HEAPDEBUG_DEBUG) {
        heap_raw_free(h);
        return size;
    }
    uint64_t bad = 0;
    if (hd_check_live(h, hd.lrz, &bad))
        report(HD_KIND_REDZONE, h, p, bad, fs);
    hd_fill(p, h->size, HD_POISON_FREE);
    /* The redzones are restored so the eviction check sees only new writes. */
    hd_fill((uint8_t *)p - hd.lrz, hd.lrz, HD_POISON_REDZONE);
    hd_fill((uint8_t *)p + h->size, hd_rrz(h->size), HD_POISON_REDZONE);
    struct hd_hdr *out[8];
    unsigned nout;
    do {
        nout = 0;
        f = spin_lock_irqsave(&hd.lock);
        if (h) {
            hd_quarantine_push(&hd.q, h);
            h = 0;
        }
        while (nout < ARRAY_SIZE(out) && (out[nout] = hd_quarantine_pop_over(&hd.q)))
            nout++;
        spin_unlock_irqrestore(&hd.lock, f);
        for (unsigned i = 0; i < nout; i++)
            evict(out[i]);
    } while (nout == ARRAY_SIZE(out));
    return size;
}

static size_t hd_size(const void *p)
{
    struct hd_hdr *h = hdr_of(p);
    return h->magic == HD_MAGIC_LIVE ? h->size : 0;
}

uint32_t heapdebug_alloc_stack(const void *ptr)
{
    if (!hd.mode || !ptr)
        return 0;
    struct hd_hdr *h = hdr_of(ptr);
    return h->magic == HD_MAGIC_LIVE ? h->alloc_stack : 0;
}

void heapdebug_no_scan(const void *ptr)
{
    if (!hd.mode || !ptr)
        return;
    struct hd_hdr *h = hdr_of(ptr);
    if (h->magic == HD_MAGIC_LIVE)
        __atomic_fetch_or(&h->flags, HD_F_NO_SCAN, __ATOMIC_RELAXED);
}

uint64_t heapdebug_foreach(int (*fn)(const struct heapdebug_object *o, void *arg), void *arg)
{
    uint64_t n = 0;
    if (!hd.mode)
        return 0;
    uint64_t f = spin_lock_irqsave(&hd.lock);
    for (struct hd_hdr *h = hd.live_head; h; h = h->next) {
        struct heapdebug_object o = {obj_of(h), h->size, h->alloc_stack, h->tid, h->ts_ns};
        n++;
        if (fn(&o, arg))
            break;
    }
    spin_unlock_irqrestore(&hd.lock, f);
    return n;
}

#if HD_EMIT
struct snap {
    uint32_t id, objects;
    uint64_t bytes;
    uint8_t *seen; /* bitmap of stack ids already defined in this snapshot */
    uint32_t seen_bits;
};

static int snap_one(const struct heapdebug_object *o, void *arg)
{
    struct snap *s = arg;
    uint32_t sid = o->alloc_stack;
    if (sid && (!s->seen || sid >= s->seen_bits || !(s->seen[sid / 8] & (1u << (sid % 8))))) {
        emit_stack_def(sid);
        if (s->seen && sid < s->seen_bits)
            s->seen[sid / 8] |= (uint8_t)(1u << (sid % 8));
    }
    trace_heap_object(o->ptr, o->size, sid, s->id);
    s->objects++;
    s->bytes += o->size;
    return 0;
}
#endif

uint32_t heapdebug_snapshot(uint32_t snapshot_id, uint64_t *bytes)
{
#if HD_EMIT
    struct snap s = {snapshot_id, 0, 0, 0, 0};
    s.seen_bits = stackdepot_count() + 1;
    s.seen = heap_raw_alloc(s.seen_bits / 8 + 1);
    if (s.seen)
        memset(s.seen, 0, s.seen_bits / 8 + 1);
    heapdebug_foreach(snap_one, &s);
    if (s.seen)
        heap_raw_free(s.seen);
    trace_heap_snapshot_done(snapshot_id, s.objects, s.bytes);
    if (bytes)
        *bytes = s.bytes;
    return s.objects;
#else
    (void)snapshot_id;
    if (bytes)
        *bytes = 0;
    return 0;
#endif
}

unsigned heapdebug_check(void)
{
    if (hd.mode != HEAPDEBUG_DEBUG)
        return 0;
    uint64_t before = hd.findings;
    /* Quarantine: drain it completely (each block is checked on eviction). */
    for (;;) {
        uint64_t f = spin_lock_irqsave(&hd.lock);
        struct hd_hdr *h = hd_quarantine_pop(&hd.q);
        spin_unlock_irqrestore(&hd.lock, f);
        if (!h)
            break;
        evict(h);
    }
    /* Live objects: redzones. */
    uint64_t f = spin_lock_irqsave(&hd.lock);
    for (struct hd_hdr *h = hd.live_head; h; h = h->next) {
        uint64_t bad;
        if (hd_check_live(h, hd.lrz, &bad)) {
            spin_unlock_irqrestore(&hd.lock, f);
            int dn;
            report(HD_KIND_REDZONE, h, obj_of(h), bad, capture(0, &dn));
            /* restore, so one overflow is reported once */
            hd_fill((uint8_t *)obj_of(h) - hd.lrz, hd.lrz, HD_POISON_REDZONE);
            hd_fill((uint8_t *)obj_of(h) + h->size, hd_rrz(h->size), HD_POISON_REDZONE);
            f = spin_lock_irqsave(&hd.lock);
        }
    }
    spin_unlock_irqrestore(&hd.lock, f);
    return (unsigned)(hd.findings - before);
}

void heapdebug_get_stats(struct heapdebug_stats *s)
{
    uint64_t f = spin_lock_irqsave(&hd.lock);
    s->live_objects = hd.live_objects;
    s->live_bytes = hd.live_bytes;
    s->quarantined_objects = hd.q.count;
    s->quarantined_bytes = hd.q.bytes;
    s->findings = hd.findings;
    spin_unlock_irqrestore(&hd.lock, f);
}

static const struct heap_hooks hd_hooks = {
    .alloc = hd_alloc,
    .free = hd_free,
    .size = hd_size,
};

void heapdebug_init(void)
{
    char v[16];
    if (!cmdline_get(kernel_cmdline, "heap", v, sizeof v))
        return;
    if (!strcmp(v, "track")) {
        hd.mode = HEAPDEBUG_TRACK;
        hd.lrz = 0;
    } else if (!strcmp(v, "debug")) {
        hd.mode = HEAPDEBUG_DEBUG;
        hd.lrz = HD_LRZ_DEBUG;
    } else {
        printk("heapdebug: unknown heap=%s (track|debug), off\n", v);
        return;
    }
    hd.head = sizeof(struct hd_hdr) + hd.lrz;
    hd.q.limit = cmdline_u64("heap_quarantine", QUARANTINE_DEFAULT);
#if HD_EMIT
    trace_heap_owns_alloc = 1;
#endif
    heap_set_hooks(&hd_hooks);
    printk("heapdebug: mode=%s header=%lu redzone=%lu quarantine=%lu poison=0x%x/0x%x/0x%x\n", v,
           (uint64_t)sizeof(struct hd_hdr), (uint64_t)hd.lrz, hd.q.limit, HD_POISON_REDZONE,
           HD_POISON_ALLOC, HD_POISON_FREE);
}
