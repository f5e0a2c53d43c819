/*
 * Stack depot (include/stackdepot.h): each distinct call stack is stored
 * once in a fixed pool and named by a small, stable id.  Entries are
 * chained in a hash table; an entry is complete before it is linked into
 * its bucket (store-release), and is never changed or freed afterwards, so
 * lookups need no lock.  The kernel part serialises saves with a spinlock.
 */
#include "stackdepot.h"

static uint32_t hash_frames(const uint64_t *f, unsigned n)
{
    uint64_t h = 0xcbf29ce484222325ull ^ n;
    for (unsigned i = 0; i < n; i++) {
        h ^= f[i];
        h *= 0x100000001b3ull;
        h ^= h >> 29;
    }
    return (uint32_t)(h ^ (h >> 32));
}

void stackdepot_core_init(struct stackdepot *d)
{
    d->nids = 0;
    d->pool_used = 0;
    d->nfull = 0;
    for (unsigned i = 0; i < STACKDEPOT_BUCKETS; i++)
        d->bucket[i] = 0;
}

static int same(const struct stackdepot *d, const struct stackdepot_entry *e, uint32_t h,
                const uint64_t *f, unsigned n)
{
    if (e->hash != h || e->n != n)
        return 0;
    const uint64_t *p = &d->pool[e->pool_off];
    for (unsigned i = 0; i < n; i++)
        if (p[i] != f[i])
            return 0;
    return 1;
}

static uint32_t find_hashed(const struct stackdepot *d, uint32_t h, const uint64_t *f, unsigned n)
{
    uint32_t id = __atomic_load_n(&d->bucket[h & (STACKDEPOT_BUCKETS - 1)], __ATOMIC_ACQUIRE);
    while (id) {
        const struct stackdepot_entry *e = &d->ent[id];
        if (same(d, e, h, f, n))
            return id;
        id = e->next;
    }
    return 0;
}

uint32_t stackdepot_core_find(const struct stackdepot *d, const uint64_t *frames, unsigned n)
{
    if (n > STACKDEPOT_MAX_DEPTH)
        n = STACKDEPOT_MAX_DEPTH;
    if (!n)
        return 0;
    return find_hashed(d, hash_frames(frames, n), frames, n);
}

uint32_t stackdepot_core_save(struct stackdepot *d, const uint64_t *frames, unsigned n, int *is_new)
{
    if (is_new)
        *is_new = 0;
    if (n > STACKDEPOT_MAX_DEPTH)
        n = STACKDEPOT_MAX_DEPTH;
    if (!n)
        return 0;
    uint32_t h = hash_frames(frames, n);
    uint32_t id = find_hashed(d, h, frames, n);
    if (id)
        return id;
    if (d->nids >= STACKDEPOT_MAX_IDS || d->pool_used + n > STACKDEPOT_POOL) {
        d->nfull++;
        return 0;
    }
    id = d->nids + 1;
    struct stackdepot_entry *e = &d->ent[id];
    e->hash = h;
    e->n = (uint16_t)n;
    e->pad = 0;
    e->pool_off = d->pool_used;
    for (unsigned i = 0; i < n; i++)
        d->pool[d->pool_used + i] = frames[i];
    d->pool_used += n;
    uint32_t *b = &d->bucket[h & (STACKDEPOT_BUCKETS - 1)];
    e->next = *b;
    __atomic_store_n(&d->nids, id, __ATOMIC_RELEASE);
    __atomic_store_n(b, id, __ATOMIC_RELEASE);
    if (is_new)
        *is_new = 1;
    return id;
}

unsigned stackdepot_core_fetch(const struct stackdepot *d, uint32_t id, const uint64_t **frames)
{
    if (!id || id > __atomic_load_n(&d->nids, __ATOMIC_ACQUIRE))
        return 0;
    const struct stackdepot_entry *e = &d->ent[id];
    *frames = &d->pool[e->pool_off];
    return e->n;
}

#ifndef HOST_TEST
#include "kernel.h"
#include "ksyms.h"
#include "mm.h"
#include "percpu.h"
#include "sched.h"
#include "spinlock.h"

static struct stackdepot depot; /* zero = initialised (all buckets empty) */
static spinlock_t depot_lock = SPINLOCK_INIT;

uint32_t stackdepot_save(const uint64_t *frames, unsigned n, int *is_new)
{
    if (is_new)
        *is_new = 0;
    if (n > STACKDEPOT_MAX_DEPTH)
        n = STACKDEPOT_MAX_DEPTH;
    uint32_t id = stackdepot_core_find(&depot, frames, n);
    if (id || !n)
        return id;
    uint64_t f = spin_lock_irqsave(&depot_lock);
    id = stackdepot_core_save(&depot, frames, n, is_new);
    spin_unlock_irqrestore(&depot_lock, f);
    return id;
}

unsigned stackdepot_fetch(uint32_t id, const uint64_t **frames)
{
    return stackdepot_core_fetch(&depot, id, frames);
}

uint32_t stackdepot_count(void)
{
    return __atomic_load_n(&depot.nids, __ATOMIC_ACQUIRE);
}

const void *stackdepot_area(size_t *len)
{
    *len = sizeof depot;
    return &depot;
}

static int frame_ok(uint64_t fp)
{
    return fp && !(fp & 7) && (fp >> 47) == 0x1ffff && vm_is_mapped(fp) && vm_is_mapped(fp + 8);
}

unsigned stack_capture(uint64_t *frames, unsigned max, unsigned skip)
{
    uint64_t rbp = (uint64_t)__builtin_frame_address(0);
    unsigned n = 0;
    /* Fast bounds: a thread's frames lie in its own stack; elsewhere (boot
     * and idle stacks) every frame is checked against the page tables. */
    uint64_t lo = rbp, hi = 0;
    struct percpu *c = this_cpu();
    struct thread *t = c ? c->current : 0;
    if (t && t->stack && rbp >= (uint64_t)t->stack && rbp < (uint64_t)t->stack + t->stack_size)
        hi = (uint64_t)t->stack + t->stack_size;
#define FP_OK(fp) (hi ? ((fp) >= lo && (fp) + 16 <= hi && !((fp)&7)) : frame_ok(fp))
    /* rbp: stack_capture's own frame; its saved rbp is the caller's frame,
     * whose return address is where the caller returns to. */
    if (!FP_OK(rbp))
        return 0;
    rbp = ((uint64_t *)rbp)[0];
    for (unsigned depth = 0; n < max && depth < 64 && FP_OK(rbp); depth++) {
        uint64_t ret = ((uint64_t *)rbp)[1];
        uint64_t next = ((uint64_t *)rbp)[0];
        if (!ret)
            break;
        if (skip)
            skip--;
        else
            frames[n++] = ret;
        if (next <= rbp)
            break;
        rbp = next;
    }
#undef FP_OK
    return n;
}

void stackdepot_print(uint32_t id, const char *prefix)
{
    const uint64_t *f;
    unsigned n = stackdepot_fetch(id, &f);
    for (unsigned i = 0; i < n; i++) {
        uint64_t off;
        const char *name = ksym_lookup(f[i], &off);
        if (name)
            printk("%s#%u 0x%016lx %s+0x%lx\n", prefix, i, f[i], name, off);
        else
            printk("%s#%u 0x%016lx ?\n", prefix, i, f[i]);
    }
}
#endif
