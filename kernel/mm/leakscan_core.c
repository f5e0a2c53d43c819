/* Pure mark phase of the leak scan (include/leakscan.h): conservative,
 * interior pointers count, gray list in FIFO order.  Host-tested. */
#include "leakscan.h"

static int less(const struct ls_obj *a, const struct ls_obj *b)
{
    return a->start < b->start;
}

static void sift(struct ls_obj *o, size_t i, size_t n)
{
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            return;
        if (c + 1 < n && less(&o[c], &o[c + 1]))
            c++;
        if (!less(&o[i], &o[c]))
            return;
        struct ls_obj t = o[i];
        o[i] = o[c];
        o[c] = t;
        i = c;
    }
}

void ls_sort(struct ls_obj *o, size_t n)
{
    if (n < 2)
        return;
    for (size_t i = n / 2; i-- > 0;)
        sift(o, i, n);
    for (size_t end = n - 1; end > 0; end--) {
        struct ls_obj t = o[0];
        o[0] = o[end];
        o[end] = t;
        sift(o, 0, end);
    }
}

void ls_begin(struct ls_state *s, struct ls_obj *o, size_t n)
{
    s->obj = o;
    s->n = n;
    s->gray_head = s->gray_tail = LS_END;
    s->scanned = 0;
    s->lo = n ? o[0].start : 1;
    s->hi = 0;
    for (size_t i = 0; i < n; i++) {
        o[i].color = LS_WHITE;
        o[i].next_gray = LS_END;
        uint64_t end = o[i].start + (o[i].size ? o[i].size : 1);
        if (end > s->hi)
            s->hi = end;
    }
}

long ls_lookup(const struct ls_state *s, uint64_t v)
{
    if (v < s->lo || v >= s->hi)
        return -1;
    size_t lo = 0, hi = s->n; /* last object with start <= v */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->obj[mid].start <= v)
            lo = mid;
        else
            hi = mid;
    }
    const struct ls_obj *o = &s->obj[lo];
    uint64_t size = o->size ? o->size : 1;
    return v >= o->start && v - o->start < size ? (long)lo : -1;
}

void ls_scan_range(struct ls_state *s, const void *start, size_t len)
{
    uint64_t a = ((uint64_t)start + 7) & ~7ull;
    uint64_t end = (uint64_t)start + len;
    if (end < a + 8)
        return;
    s->scanned += end - a;
    for (; a + 8 <= end; a += 8) {
        uint64_t v = *(const volatile uint64_t *)a;
        if (v < s->lo || v >= s->hi)
            continue;
        long i = ls_lookup(s, v);
        if (i < 0 || s->obj[i].color != LS_WHITE)
            continue;
        s->obj[i].color = LS_GRAY;
        s->obj[i].next_gray = LS_END;
        if (s->gray_tail == LS_END)
            s->gray_head = (uint32_t)i;
        else
            s->obj[s->gray_tail].next_gray = (uint32_t)i;
        s->gray_tail = (uint32_t)i;
    }
}

void ls_drain(struct ls_state *s)
{
    while (s->gray_head != LS_END) {
        struct ls_obj *o = &s->obj[s->gray_head];
        s->gray_head = o->next_gray;
        if (s->gray_head == LS_END)
            s->gray_tail = LS_END;
        if (!(o->flags & LS_NO_SCAN))
            ls_scan_range(s, (const void *)o->start, o->size);
    }
}

int ls_is_leak(const struct ls_obj *o, uint64_t t0, uint64_t min_age)
{
    /* Allocated after t0: the scan's own helper threads, or another CPU
     * before it parked.  Never a leak, even with no minimum age. */
    return o->color == LS_WHITE && o->ts_ns <= t0 && t0 - o->ts_ns >= min_age;
}

uint32_t ls_next_id(uint32_t *counter)
{
    uint32_t id;
    do
        id = __atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
    while (id == 0 || id == LEAKSCAN_END_ID);
    return id;
}
