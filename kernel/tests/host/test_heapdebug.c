/* Host tests: stack depot dedup, poison/redzone checks, the quarantine
 * FIFO, and the leak scan's mark phase on a synthetic heap. */
#include <stdlib.h>
#include <string.h>
#include "heapdebug.h"
#include "leakscan.h"
#include "stackdepot.h"
#include "test.h"

void test_depot_dedup(void)
{
    static struct stackdepot d;
    stackdepot_core_init(&d);
    uint64_t a[3] = {0x1000, 0x2000, 0x3000}, b[3] = {0x1000, 0x2000, 0x3001};
    int nw = 0;
    uint32_t ia = stackdepot_core_save(&d, a, 3, &nw);
    CHECK_EQ(ia, 1);
    CHECK_EQ(nw, 1);
    CHECK_EQ(stackdepot_core_save(&d, a, 3, &nw), 1); /* same frames, same id */
    CHECK_EQ(nw, 0);
    uint32_t ib = stackdepot_core_save(&d, b, 3, &nw);
    CHECK_EQ(ib, 2);
    CHECK_EQ(nw, 1);
    CHECK_EQ(stackdepot_core_save(&d, a, 2, &nw), 3); /* a prefix is another stack */
    CHECK_EQ(stackdepot_core_find(&d, b, 3), 2);
    CHECK_EQ(stackdepot_core_find(&d, b, 1), 0);
    const uint64_t *f = 0;
    CHECK_EQ(stackdepot_core_fetch(&d, ib, &f), 3);
    CHECK(f && f[2] == 0x3001 && f[0] == 0x1000);
    CHECK_EQ(stackdepot_core_fetch(&d, 0, &f), 0);
    CHECK_EQ(stackdepot_core_fetch(&d, 99, &f), 0);
    /* many distinct stacks: ids stay stable and distinct */
    for (uint64_t i = 0; i < 3000; i++) {
        uint64_t s[4] = {i, i * 7, 0xffffffff80000000ull + i, 42};
        uint32_t id = stackdepot_core_save(&d, s, 4, &nw);
        CHECK_EQ(id, 4 + i);
        if (id != 4 + i)
            break;
    }
    uint64_t s5[4] = {5, 35, 0xffffffff80000005ull, 42};
    CHECK_EQ(stackdepot_core_find(&d, s5, 4), 9);
    CHECK_EQ(stackdepot_core_save(&d, a, 3, &nw), 1);
}

void test_depot_limits(void)
{
    static struct stackdepot d;
    stackdepot_core_init(&d);
    int nw = 0;
    uint64_t deep[40];
    for (int i = 0; i < 40; i++)
        deep[i] = 0x100 + i;
    uint32_t id = stackdepot_core_save(&d, deep, 40, &nw);
    const uint64_t *f;
    CHECK_EQ(stackdepot_core_fetch(&d, id, &f), STACKDEPOT_MAX_DEPTH); /* cut to the bound */
    CHECK_EQ(stackdepot_core_save(&d, deep, 0, &nw), 0);
    /* fill the id table: then 0 and nfull counts */
    uint32_t last = 0;
    for (uint64_t i = 0; i < STACKDEPOT_MAX_IDS + 10; i++) {
        uint64_t s[1] = {0x10000 + i};
        last = stackdepot_core_save(&d, s, 1, &nw);
    }
    CHECK_EQ(last, 0);
    CHECK_EQ(d.nids, STACKDEPOT_MAX_IDS);
    CHECK(d.nfull >= 10);
    CHECK_EQ(stackdepot_core_save(&d, deep, 40, &nw), id); /* old ids still found */
}

void test_poison_find_fill(void)
{
    uint8_t buf[200];
    memset(buf, 0, sizeof buf);
    hd_fill(buf + 3, 150, HD_POISON_FREE);
    CHECK_EQ(buf[2], 0);
    CHECK_EQ(buf[153], 0);
    CHECK_EQ(hd_find_bad(buf + 3, 150, HD_POISON_FREE), 150);
    buf[3 + 77] = 1;
    CHECK_EQ(hd_find_bad(buf + 3, 150, HD_POISON_FREE), 77);
    buf[3 + 5] = 0;
    CHECK_EQ(hd_find_bad(buf + 3, 150, HD_POISON_FREE), 5);
    CHECK_EQ(hd_find_bad(buf, 0, 0x11), 0);
    CHECK_EQ(hd_rrz(64), 16);
    CHECK_EQ(hd_rrz(1), 31);
    CHECK_EQ(hd_rrz(100000), 16);
    CHECK_EQ(hd_rrz(17), 31);
}

/* A heap=debug block laid out in a host buffer. */
static struct hd_hdr *make_block(uint8_t *mem, size_t size)
{
    struct hd_hdr *h = (struct hd_hdr *)mem;
    memset(h, 0, sizeof *h);
    h->size = size;
    h->block = (uint32_t)(sizeof *h + HD_LRZ_DEBUG + size + hd_rrz(size));
    uint8_t *obj = mem + sizeof *h + HD_LRZ_DEBUG;
    hd_fill(obj - HD_LRZ_DEBUG, HD_LRZ_DEBUG, HD_POISON_REDZONE);
    hd_fill(obj, size, HD_POISON_ALLOC);
    hd_fill(obj + size, hd_rrz(size), HD_POISON_REDZONE);
    return h;
}

void test_redzone_checks(void)
{
    static uint8_t mem[512] __attribute__((aligned(16)));
    struct hd_hdr *h = make_block(mem, 40);
    uint8_t *obj = mem + sizeof *h + HD_LRZ_DEBUG;
    uint64_t bad = 0;
    CHECK_EQ(hd_check_live(h, HD_LRZ_DEBUG, &bad), 0);
    obj[40] = 'x'; /* one past the end */
    CHECK_EQ(hd_check_live(h, HD_LRZ_DEBUG, &bad), 2);
    CHECK_EQ(bad, (uint64_t)(obj + 40));
    h = make_block(mem, 40);
    obj[-1] = 0; /* underflow */
    CHECK_EQ(hd_check_live(h, HD_LRZ_DEBUG, &bad), 2);
    CHECK_EQ(bad, (uint64_t)(obj - 1));
    h = make_block(mem, 40);
    obj[47] = 0; /* slack up to 16 bytes is redzone too */
    CHECK_EQ(hd_check_live(h, HD_LRZ_DEBUG, &bad), 2);
    CHECK_EQ(bad, (uint64_t)(obj + 47));
    /* freed: poisoned with 0x6b, a write after free is found */
    h = make_block(mem, 40);
    hd_fill(obj, 40, HD_POISON_FREE);
    CHECK_EQ(hd_check_freed(h, HD_LRZ_DEBUG, &bad), 0);
    obj[12] = 0x42;
    CHECK_EQ(hd_check_freed(h, HD_LRZ_DEBUG, &bad), 1);
    CHECK_EQ(bad, (uint64_t)(obj + 12));
    obj[12] = HD_POISON_FREE;
    obj[41] = 1;
    CHECK_EQ(hd_check_freed(h, HD_LRZ_DEBUG, &bad), 2);
    CHECK_EQ(bad, (uint64_t)(obj + 41));
}

void test_quarantine_fifo(void)
{
    static uint8_t mem[8][128] __attribute__((aligned(16)));
    struct hd_quarantine q = {0, 0, 0, 0, 300};
    struct hd_hdr *h[8];
    for (int i = 0; i < 8; i++) {
        h[i] = (struct hd_hdr *)mem[i];
        memset(h[i], 0, sizeof *h[i]);
        h[i]->block = 100;
    }
    for (int i = 0; i < 3; i++)
        hd_quarantine_push(&q, h[i]);
    CHECK_EQ(q.bytes, 300);
    CHECK(hd_quarantine_pop_over(&q) == 0); /* at the limit, not over */
    hd_quarantine_push(&q, h[3]);
    CHECK(hd_quarantine_pop_over(&q) == h[0]); /* oldest first */
    CHECK(hd_quarantine_pop_over(&q) == 0);
    hd_quarantine_push(&q, h[4]);
    hd_quarantine_push(&q, h[5]);
    CHECK(hd_quarantine_pop_over(&q) == h[1]);
    CHECK(hd_quarantine_pop_over(&q) == h[2]);
    CHECK(hd_quarantine_pop_over(&q) == 0);
    CHECK_EQ(q.count, 3);
    CHECK(hd_quarantine_pop(&q) == h[3]);
    CHECK(hd_quarantine_pop(&q) == h[4]);
    CHECK(hd_quarantine_pop(&q) == h[5]);
    CHECK(hd_quarantine_pop(&q) == 0);
    CHECK_EQ(q.bytes, 0);
    CHECK(q.head == 0 && q.tail == 0);
}

/* Synthetic heap: objects of 64 bytes in an array (shuffled order in the
 * object table), roots in a separate array. */
static uint64_t heap_mem[16][8] __attribute__((aligned(16)));

static void fill_objs(struct ls_obj *o, int n, const int *order)
{
    for (int i = 0; i < n; i++) {
        memset(&o[i], 0, sizeof o[i]);
        o[i].start = (uint64_t)heap_mem[order[i]];
        o[i].size = 64;
        o[i].alloc_stack = (uint32_t)order[i];
    }
}

static int color_of(struct ls_state *s, int obj)
{
    long i = ls_lookup(s, (uint64_t)heap_mem[obj]);
    return i < 0 ? -1 : (int)s->obj[i].color;
}

void test_scan_roots_interior(void)
{
    memset(heap_mem, 0, sizeof heap_mem);
    int order[8] = {5, 0, 7, 2, 1, 6, 3, 4};
    struct ls_obj o[8];
    fill_objs(o, 8, order);
    /* root -> 0 (exact) -> 1 (interior +40) -> 2 (last byte); root -> 3 interior;
     * 7: pointed to only one past its end (not a reference); 4, 5, 6 unreferenced. */
    uint64_t roots[4] = {(uint64_t)heap_mem[0], (uint64_t)heap_mem[3] + 8, 12345,
                         (uint64_t)heap_mem[7] + 64};
    heap_mem[0][3] = (uint64_t)heap_mem[1] + 40;
    heap_mem[1][7] = (uint64_t)heap_mem[2] + 63;
    heap_mem[6][0] = (uint64_t)heap_mem[5]; /* 5 is referenced only by unreferenced 6 */
    ls_sort(o, 8);
    struct ls_state s;
    ls_begin(&s, o, 8);
    ls_scan_range(&s, roots, sizeof roots);
    ls_drain(&s);
    CHECK_EQ(color_of(&s, 0), LS_GRAY);
    CHECK_EQ(color_of(&s, 1), LS_GRAY);
    CHECK_EQ(color_of(&s, 2), LS_GRAY);
    CHECK_EQ(color_of(&s, 3), LS_GRAY);
    CHECK_EQ(color_of(&s, 4), LS_WHITE);
    CHECK_EQ(color_of(&s, 5), LS_WHITE); /* pointed to only by unreferenced 6 */
    CHECK_EQ(color_of(&s, 6), LS_WHITE);
    CHECK_EQ(color_of(&s, 7), LS_WHITE);
    CHECK_EQ(s.scanned, sizeof roots + 4 * 64);
}

void test_scan_cycles_and_no_scan(void)
{
    memset(heap_mem, 0, sizeof heap_mem);
    int order[6] = {0, 1, 2, 3, 4, 5};
    struct ls_obj o[6];
    fill_objs(o, 6, order);
    /* unreferenced cycle 0 <-> 1 (leaks); referenced cycle 2 <-> 3; 4 is
     * referenced but no-scan, so 5 (only referenced from 4) stays white. */
    heap_mem[0][0] = (uint64_t)heap_mem[1];
    heap_mem[1][0] = (uint64_t)heap_mem[0] + 8;
    heap_mem[2][1] = (uint64_t)heap_mem[3];
    heap_mem[3][1] = (uint64_t)heap_mem[2];
    heap_mem[4][2] = (uint64_t)heap_mem[5];
    o[4].flags = LS_NO_SCAN;
    uint64_t roots[2] = {(uint64_t)heap_mem[3] + 1, (uint64_t)heap_mem[4] + 4};
    ls_sort(o, 6);
    struct ls_state s;
    ls_begin(&s, o, 6);
    ls_scan_range(&s, roots, sizeof roots);
    ls_drain(&s);
    CHECK_EQ(color_of(&s, 0), LS_WHITE);
    CHECK_EQ(color_of(&s, 1), LS_WHITE);
    CHECK_EQ(color_of(&s, 2), LS_GRAY);
    CHECK_EQ(color_of(&s, 3), LS_GRAY);
    CHECK_EQ(color_of(&s, 4), LS_GRAY);
    CHECK_EQ(color_of(&s, 5), LS_WHITE);
    /* unaligned root bytes: only aligned words are read */
    uint64_t raw[3] = {0, (uint64_t)heap_mem[0], 0};
    ls_begin(&s, o, 6);
    ls_scan_range(&s, (uint8_t *)raw + 1, 15); /* the one aligned word inside: raw[1] */
    CHECK_EQ(color_of(&s, 0), LS_GRAY);
    ls_begin(&s, o, 6);
    ls_scan_range(&s, (uint8_t *)raw + 9, 15); /* the one aligned word inside: raw[2] */
    CHECK_EQ(color_of(&s, 0), LS_WHITE);
}

void test_scan_sort_lookup(void)
{
    enum { N = 500 };
    static struct ls_obj o[N];
    for (int i = 0; i < N; i++) {
        memset(&o[i], 0, sizeof o[i]);
        o[i].start = 0x100000 + (uint64_t)((i * 7919) % N) * 0x100;
        o[i].size = (uint64_t)(i % 3) * 16; /* 0-size objects cover one byte */
    }
    ls_sort(o, N);
    for (int i = 1; i < N; i++)
        CHECK(o[i - 1].start < o[i].start);
    struct ls_state s;
    ls_begin(&s, o, N);
    CHECK_EQ(ls_lookup(&s, 0x100000), 0);
    CHECK_EQ(ls_lookup(&s, 0xfffff), (uint64_t)-1);
    for (int i = 0; i < N; i++) {
        uint64_t sz = o[i].size ? o[i].size : 1;
        CHECK_EQ(ls_lookup(&s, o[i].start + sz - 1), i);
        CHECK_EQ(ls_lookup(&s, o[i].start + sz), (uint64_t)-1);
    }
}

/* The sweep rule, with and without a minimum age (the end scan has none). */
void test_scan_age_rule(void)
{
    const uint64_t ms = 1000000, t0 = 5000 * ms;
    struct ls_obj o;
    memset(&o, 0, sizeof o);
    o.color = LS_WHITE;
    o.ts_ns = t0 - 300 * ms;
    CHECK(ls_is_leak(&o, t0, 250 * ms));
    CHECK(!ls_is_leak(&o, t0, 301 * ms)); /* young */
    o.ts_ns = t0;
    CHECK(ls_is_leak(&o, t0, 0)); /* no minimum age: every unreferenced object */
    CHECK(!ls_is_leak(&o, t0, 1));
    o.ts_ns = t0 + 1; /* allocated after the scan began (its helper threads) */
    CHECK(!ls_is_leak(&o, t0, 0));
    o.ts_ns = 0;
    o.color = LS_GRAY; /* referenced: never a leak, however old */
    CHECK(!ls_is_leak(&o, t0, 0));
}

/* Automatic scan ids never take 0 or the end scan's id, even on wrap-around. */
void test_scan_ids_skip_end_id(void)
{
    uint32_t c = 0;
    CHECK_EQ(ls_next_id(&c), 1);
    CHECK_EQ(ls_next_id(&c), 2);
    c = LEAKSCAN_END_ID - 2;
    CHECK_EQ(ls_next_id(&c), LEAKSCAN_END_ID - 1);
    CHECK_EQ(ls_next_id(&c), 1); /* END_ID and 0 skipped */
    CHECK_EQ(c, 1);
}
