/*
 * Heap debugging (mm/heapdebug.c), on the heap seam (heap_set_hooks).
 *
 * Modes, chosen at boot by the command line (before the first kmalloc):
 *   heap=track  every allocation carries a record: requested size, the
 *               allocation stack (stack depot id), timestamp, thread id;
 *               the live objects can be listed (heapdebug_foreach) and
 *               scanned for leaks (leakscan.h).
 *   heap=debug  track + redzones + poisoning + quarantine: kfree checks
 *               the redzones, detects double and invalid frees, poisons
 *               the object and keeps it in a FIFO quarantine; on eviction
 *               (or heapdebug_check) a changed poison byte is a
 *               use-after-free write.  heap_quarantine=BYTES sets the
 *               quarantine size (default 1 MiB).
 * Findings are printed on COM1 (docs/app-api.md, "Heap debugging console
 * lines") and emitted as heap_finding events (docs/protocol.md).  A finding
 * never panics: the bad free is ignored and the kernel goes on.
 *
 * Poison bytes: 0xcc redzone (both sides of a live object), 0x5a new
 * object contents (heap=debug, before the caller writes them; kzalloc
 * zeroes them), 0x6b freed object contents.
 */
#ifndef HEAPDEBUG_H
#define HEAPDEBUG_H
#include <stddef.h>
#include <stdint.h>

#define HEAPDEBUG_OFF   0
#define HEAPDEBUG_TRACK 1
#define HEAPDEBUG_DEBUG 2

#define HD_POISON_REDZONE 0xcc
#define HD_POISON_ALLOC   0x5a
#define HD_POISON_FREE    0x6b

/* Finding kinds (heap_finding.kind, docs/protocol.md). */
#define HD_KIND_REDZONE        1 /* redzone overwritten (overflow) */
#define HD_KIND_USE_AFTER_FREE 2 /* poison of a freed object changed */
#define HD_KIND_DOUBLE_FREE    3
#define HD_KIND_INVALID_FREE   4 /* not a heap pointer */

/* Called once by heap_init(): reads heap= and installs the hooks. */
void heapdebug_init(void);
int heapdebug_mode(void); /* HEAPDEBUG_OFF / _TRACK / _DEBUG */

/* Stack id of the allocation of the live tracked object `ptr` (exact
 * start), 0 if untracked.  Cheap; safe from any context. */
uint32_t heapdebug_alloc_stack(const void *ptr);

/* One live object, as handed to heapdebug_foreach's callback. */
struct heapdebug_object {
    const void *ptr;
    uint64_t size;        /* requested size */
    uint32_t alloc_stack; /* stack depot id */
    uint32_t tid;         /* allocating thread id (0 = boot/idle) */
    uint64_t ts_ns;       /* allocation time (trace clock) */
};
/* Calls fn for every live tracked object (oldest first) with the tracker
 * lock held and interrupts off: fn must not allocate, free or sleep.
 * Stops early when fn returns non-zero.  Returns the objects visited. */
uint64_t heapdebug_foreach(int (*fn)(const struct heapdebug_object *o, void *arg), void *arg);

/* HEAP_SNAPSHOT: emits stack_def (for every stack used), heap_object for
 * every live object, then heap_snapshot_done; returns the object count and
 * stores the bytes.  Works in heap=track and heap=debug, else 0 objects. */
uint32_t heapdebug_snapshot(uint32_t snapshot_id, uint64_t *bytes);

/* Checks the redzones of every live object and the poison of every
 * quarantined one now (heap=debug); returns the number of findings. */
unsigned heapdebug_check(void);

/* kmemleak_no_scan: the object (exact start) is never scanned for pointers
 * by the leak scan (e.g. trace buffers holding addresses). */
void heapdebug_no_scan(const void *ptr);

/* Totals since boot. */
struct heapdebug_stats {
    uint64_t live_objects, live_bytes;
    uint64_t quarantined_objects, quarantined_bytes;
    uint64_t findings;
};
void heapdebug_get_stats(struct heapdebug_stats *s);

/* ---- internals shared with mm/leakscan.c and the host tests ------------- */

#define HD_MAGIC_LIVE 0x564c4448u /* "HDLV" */
#define HD_MAGIC_QUAR 0x51514448u /* "HDQQ": freed, in the quarantine */
#define HD_MAGIC_GONE 0x47474448u /* "HDGG": freed, returned to the heap */

#define HD_F_NO_SCAN 1u /* never scanned by the leak scan */
#define HD_F_THREAD  2u /* a struct thread made by thread_create */

/* Record in front of every tracked block (heap=track/debug).  The block
 * from heap_raw_alloc is: [hd_hdr][left redzone][object][right redzone]. */
struct hd_hdr {
    uint64_t clobber;           /* the heap's free list link lands here once freed */
    struct hd_hdr *next, *prev; /* live list (oldest first) or quarantine */
    uint64_t size;              /* requested size */
    uint64_t ts_ns;
    uint32_t alloc_stack, free_stack;
    uint32_t tid;
    uint32_t flags;
    uint32_t block; /* bytes of the whole block (header .. right redzone) */
    uint32_t magic; /* last: HD_MAGIC_* */
};
_Static_assert(sizeof(struct hd_hdr) == 64, "hd_hdr");

#define HD_LRZ_DEBUG 16 /* left redzone in heap=debug */

/* Pure helpers (mm/heapdebug_core.c). */
/* Index of the first byte of p[0..n) that is not `val`, or n. */
size_t hd_find_bad(const void *p, size_t n, uint8_t val);
void hd_fill(void *p, size_t n, uint8_t val);
/* Right redzone length for an object of `size` in heap=debug (>= 16, ends
 * 16-aligned). */
size_t hd_rrz(size_t size);
/* Quarantine: FIFO of freed blocks, bounded in bytes. */
struct hd_quarantine {
    struct hd_hdr *head, *tail;
    uint64_t bytes, count, limit;
};
void hd_quarantine_push(struct hd_quarantine *q, struct hd_hdr *h);
/* Pops the oldest block if the quarantine holds more than its limit. */
struct hd_hdr *hd_quarantine_pop_over(struct hd_quarantine *q);
struct hd_hdr *hd_quarantine_pop(struct hd_quarantine *q);
/* Checks a quarantined block: its object still all HD_POISON_FREE and both
 * redzones intact (lrz bytes before the object).  Returns 0 when clean, 1
 * for a changed object byte (use after free), 2 for a changed redzone
 * byte; stores the address of the first changed byte. */
int hd_check_freed(const struct hd_hdr *h, size_t lrz, uint64_t *bad);
/* Checks the redzones of a live object: 0 clean, 2 changed (first changed
 * byte in *bad). */
int hd_check_live(const struct hd_hdr *h, size_t lrz, uint64_t *bad);

/* Kernel internals for mm/leakscan.c. */
struct hd_hdr *hd_live_first(void); /* with hd_lock_all held */
uint64_t hd_lock_all(void);         /* the tracker lock (irqsave) */
void hd_unlock_all(uint64_t flags);
size_t hd_head_room(void); /* bytes from a block's header to its object */
#endif
