/*
 * The per-CPU ring writer of trace protocol v1.0 (docs/protocol.md section
 * 10, rules W1..W9), after the reference writer of its Appendix A.  Pure:
 * the caller owns the ring's CPU and has interrupts disabled (W2); the
 * transport side (ring_next_closed/ring_consume) may run on any CPU.
 */
#include "trace_ring.h"

#define NOTRACE __attribute__((no_instrument_function))

NOTRACE void ring_init(struct trace_ring *r, uint16_t cpu, void *pages)
{
    uint8_t *p = (uint8_t *)r;
    for (size_t i = 0; i < sizeof *r; i++)
        p[i] = 0;
    r->magic = UT_RING_MAGIC;
    r->cpu = cpu;
    r->pages_va = (uint64_t)(uintptr_t)pages;
}

NOTRACE void ring_count_lost(struct trace_ring *r)
{
    r->lost++;
    r->lost_pending++;
}

NOTRACE int ring_enter(struct trace_ring *r)
{
    if (__atomic_load_n(&r->busy, __ATOMIC_RELAXED)) {
        ring_count_lost(r);
        return 0;
    }
    __atomic_store_n(&r->busy, 1, __ATOMIC_RELAXED);
    __asm__ volatile("" ::: "memory");
    return 1;
}

NOTRACE void ring_exit(struct trace_ring *r)
{
    __asm__ volatile("" ::: "memory");
    __atomic_store_n(&r->busy, 0, __ATOMIC_RELAXED);
}

static NOTRACE void zero(void *p, size_t n)
{
    uint64_t *q = p;
    for (size_t i = 0; i < n / 8; i++)
        q[i] = 0;
}

/* W6: start the page with seq = head. */
static NOTRACE struct ut_page_hdr *start_page(struct trace_ring *r, const struct ring_geom *g,
                                              uint64_t now)
{
    struct ut_page_hdr *pg = ring_slot(r, g, r->head);
    zero(pg, g->page_size);
    pg->magic = UT_PAGE_MAGIC;
    pg->cpu = r->cpu;
    pg->seq = r->head;
    pg->base_ts = now;
    pg->lost = r->lost_pending > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)r->lost_pending;
    r->lost_pending = 0;
    __atomic_store_n(&r->head, r->head + 1, __ATOMIC_RELEASE);
    return pg;
}

static NOTRACE int slot_free(const struct trace_ring *r, const struct ring_geom *g)
{
    if (g->mode != 0) /* flight recorder: W8 */
        return 1;
    return r->head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) < g->pages;
}

NOTRACE struct ut_rec_hdr *ring_reserve(struct trace_ring *r, const struct ring_geom *g,
                                        uint16_t id, uint32_t size, uint64_t now)
{
    struct ut_page_hdr *pg = r->head ? ring_slot(r, g, r->head - 1) : 0;
    if (size < UT_RECORD_HEADER || size % 8 || size > g->page_size - UT_PAGE_HEADER)
        goto drop;
    if (!pg || UT_PAGE_HEADER + pg->commit + size > g->page_size ||
        now - pg->base_ts > 0xFFFFFFFFu) {
        if (!slot_free(r, g))
            goto drop; /* W7: ring full */
        if (pg && UT_PAGE_HEADER + pg->commit + size <= g->page_size)
            pg->flags |= UT_PAGE_EARLY; /* closed early (W4) */
        pg = start_page(r, g, now);
    }
    struct ut_rec_hdr *h = (struct ut_rec_hdr *)((uint8_t *)pg + UT_PAGE_HEADER + pg->commit);
    h->id = id;
    h->size = (uint16_t)size;
    h->ts_delta = (uint32_t)(now - pg->base_ts);
    return h;
drop:
    ring_count_lost(r);
    return 0;
}

NOTRACE void ring_commit(struct trace_ring *r, const struct ring_geom *g, struct ut_rec_hdr *h)
{
    struct ut_page_hdr *pg = ring_slot(r, g, r->head - 1);
    __atomic_store_n(&pg->commit, pg->commit + h->size, __ATOMIC_RELEASE);
}

NOTRACE int ring_flush(struct trace_ring *r, const struct ring_geom *g, uint64_t now)
{
    if (!r->head)
        return 0;
    struct ut_page_hdr *pg = ring_slot(r, g, r->head - 1);
    /* An empty page is worth closing only to report drops: its own `lost`,
     * or drops still pending (the next page carries them).  Otherwise drops
     * made while the ring was full would never reach a page header once the
     * writers stop (the end of a trace). */
    if (!pg->commit && !pg->lost && !r->lost_pending)
        return 0;
    if (!slot_free(r, g))
        return -1;
    pg->flags |= UT_PAGE_EARLY;
    start_page(r, g, now);
    return 1;
}

NOTRACE struct ut_page_hdr *ring_next_closed(struct trace_ring *r, const struct ring_geom *g)
{
    uint64_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
    if (r->tail + 1 >= head || head == 0)
        return 0;
    return ring_slot(r, g, r->tail);
}

NOTRACE void ring_consume(struct trace_ring *r)
{
    __atomic_store_n(&r->tail, r->tail + 1, __ATOMIC_RELEASE);
}
