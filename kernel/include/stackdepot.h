/*
 * Stack depot: deduplicated call stacks (heaptrack/kmemleak style).
 *
 * A stack is an array of return addresses, leaf first, at most
 * STACKDEPOT_MAX_DEPTH frames.  stackdepot_save() returns a small id that
 * names the stack for ever: the same frames always give the same id, ids
 * are assigned 1, 2, 3, ... in order of first use and never reused, and 0
 * means "no stack" (empty stack or the depot is full).  Lookups are
 * lock-free (an entry is published with a release store and never changes
 * afterwards); saving takes a spinlock only when the stack is new.
 *
 * The pure part (struct stackdepot, stackdepot_core_*) is host-tested; the
 * kernel has one global depot behind stackdepot_save/stackdepot_fetch.
 */
#ifndef STACKDEPOT_H
#define STACKDEPOT_H
#include <stddef.h>
#include <stdint.h>

#define STACKDEPOT_MAX_DEPTH 32    /* frames kept per stack */
#define STACKDEPOT_MAX_IDS   8192  /* distinct stacks */
#define STACKDEPOT_POOL      65536 /* frames in the pool (all stacks together) */
#define STACKDEPOT_BUCKETS   4096  /* hash buckets (power of two) */

struct stackdepot_entry {
    uint32_t hash;
    uint16_t n; /* frames */
    uint16_t pad;
    uint32_t next;     /* next id in the same bucket, 0 = end */
    uint32_t pool_off; /* index of the first frame in pool[] */
};

struct stackdepot {
    uint32_t nids;                       /* ids used (the last assigned id) */
    uint32_t pool_used;                  /* frames used in pool[] */
    uint64_t nfull;                      /* saves refused because the depot was full */
    uint32_t bucket[STACKDEPOT_BUCKETS]; /* first id, 0 = empty */
    struct stackdepot_entry ent[STACKDEPOT_MAX_IDS + 1]; /* ent[id], ent[0] unused */
    uint64_t pool[STACKDEPOT_POOL];
};

/* Pure core (no locking: the caller serialises saves; finds may run
 * concurrently with a save on x86 because entries are published last). */
void stackdepot_core_init(struct stackdepot *d);
uint32_t stackdepot_core_save(struct stackdepot *d, const uint64_t *frames, unsigned n,
                              int *is_new);
uint32_t stackdepot_core_find(const struct stackdepot *d, const uint64_t *frames, unsigned n);
unsigned stackdepot_core_fetch(const struct stackdepot *d, uint32_t id, const uint64_t **frames);

/* Kernel: the global depot. */
/* Returns the id of frames[0..n) (n is cut to STACKDEPOT_MAX_DEPTH); sets
 * *is_new when this call created it (the caller then emits stack_def). */
uint32_t stackdepot_save(const uint64_t *frames, unsigned n, int *is_new);
/* Frames of `id` (leaf first) and their count; 0 for an unknown id. */
unsigned stackdepot_fetch(uint32_t id, const uint64_t **frames);
uint32_t stackdepot_count(void); /* ids assigned so far */
/* Frame-pointer walk of the calling context: return addresses, leaf first.
 * With skip 0, frames[0] is the address the caller of stack_capture
 * returns to; skip drops that many more innermost frames.  Returns the
 * number stored (<= max). */
unsigned stack_capture(uint64_t *frames, unsigned max, unsigned skip);
/* Prints "<prefix>#i 0xADDR func+0xOFF" lines for a depot stack. */
void stackdepot_print(uint32_t id, const char *prefix);
#endif
