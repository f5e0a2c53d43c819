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
#endif
