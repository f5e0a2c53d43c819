/* Pure parts of heap debugging (host-tested): poison fill and check,
 * redzone layout and checks, the quarantine FIFO. */
#include "heapdebug.h"

size_t hd_find_bad(const void *p, size_t n, uint8_t val)
{
    const uint8_t *b = p;
    size_t i = 0;
    uint64_t pat = 0x0101010101010101ull * val;
    while (i < n && ((uintptr_t)(b + i) & 7))
        if (b[i++] != val)
            return i - 1;
    while (i + 8 <= n && *(const uint64_t *)(b + i) == pat)
        i += 8;
    for (; i < n; i++)
        if (b[i] != val)
            return i;
    return n;
}

void hd_fill(void *p, size_t n, uint8_t val)
{
    uint8_t *b = p;
    size_t i = 0;
    uint64_t pat = 0x0101010101010101ull * val;
    while (i < n && ((uintptr_t)(b + i) & 7))
        b[i++] = val;
    for (; i + 8 <= n; i += 8)
        *(volatile uint64_t *)(b + i) = pat;
    for (; i < n; i++)
        b[i] = val;
}

size_t hd_rrz(size_t size)
{
    return ((size + 15) & ~(size_t)15) - size + 16;
}

void hd_quarantine_push(struct hd_quarantine *q, struct hd_hdr *h)
{
    h->next = 0;
    h->prev = q->tail;
    if (q->tail)
        q->tail->next = h;
    else
        q->head = h;
    q->tail = h;
    q->bytes += h->block;
    q->count++;
}

struct hd_hdr *hd_quarantine_pop(struct hd_quarantine *q)
{
    struct hd_hdr *h = q->head;
    if (!h)
        return 0;
    q->head = h->next;
    if (q->head)
        q->head->prev = 0;
    else
        q->tail = 0;
    q->bytes -= h->block;
    q->count--;
    h->next = h->prev = 0;
    return h;
}

struct hd_hdr *hd_quarantine_pop_over(struct hd_quarantine *q)
{
    return q->bytes > q->limit ? hd_quarantine_pop(q) : 0;
}

static int check_rz(const struct hd_hdr *h, size_t lrz, uint64_t *bad)
{
    const uint8_t *obj = (const uint8_t *)h + sizeof *h + lrz;
    size_t i = hd_find_bad(obj - lrz, lrz, HD_POISON_REDZONE);
    if (i < lrz) {
        *bad = (uint64_t)(obj - lrz + i);
        return 2;
    }
    if (!lrz)
        return 0; /* heap=track: no redzones */
    size_t r = hd_rrz(h->size);
    i = hd_find_bad(obj + h->size, r, HD_POISON_REDZONE);
    if (i < r) {
        *bad = (uint64_t)(obj + h->size + i);
        return 2;
    }
    return 0;
}

int hd_check_live(const struct hd_hdr *h, size_t lrz, uint64_t *bad)
{
    return check_rz(h, lrz, bad);
}

int hd_check_freed(const struct hd_hdr *h, size_t lrz, uint64_t *bad)
{
    const uint8_t *obj = (const uint8_t *)h + sizeof *h + lrz;
    size_t i = hd_find_bad(obj, h->size, HD_POISON_FREE);
    if (i < h->size) {
        *bad = (uint64_t)(obj + i);
        return 1;
    }
    return check_rz(h, lrz, bad);
}
