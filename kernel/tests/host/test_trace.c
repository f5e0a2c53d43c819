/* Host tests of the trace ring writer (W1..W9) and the wire code. */
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include "trace.h"
#include "trace_ring.h"

#define PS 1024
#define NP 4
static uint8_t pages[NP * PS] __attribute__((aligned(64)));

static void setup(struct trace_ring *r, struct ring_geom *g, uint32_t mode)
{
    memset(pages, 0xee, sizeof pages);
    g->page_size = PS;
    g->pages = NP;
    g->mode = mode;
    ring_init(r, 3, pages);
}

/* writes one record of `size` bytes at `now`; returns 1 if written */
static int put(struct trace_ring *r, struct ring_geom *g, uint32_t size, uint64_t now)
{
    if (!ring_enter(r))
        return 0;
    struct ut_rec_hdr *h = ring_reserve(r, g, 7, size, now);
    if (h) {
        memset(h + 1, 0x11, size - 8);
        ring_commit(r, g, h);
    }
    ring_exit(r);
    return h != 0;
}

void test_trace_crc32c(void)
{
    CHECK_EQ(crc32c(0, "123456789", 9), 0xE3069283u);
    CHECK_EQ(crc32c(crc32c(0, "1234", 4), "56789", 5), 0xE3069283u);
    struct ut_frame_hdr h;
    uint8_t pl[3] = {1, 2, 3};
    ut_frame_header(&h, UT_REPLY, 9, pl, 3);
    CHECK_EQ(h.sync, UT_SYNC);
    CHECK_EQ(h.len, 3);
    CHECK_EQ(h.crc, crc32c(crc32c(0, &h.type, 8), pl, 3));
    struct ut_frame_hdr h2;
    ut_frame_header2(&h2, UT_REPLY, 9, pl, 1, pl + 1, 2);
    CHECK_EQ(h2.crc, h.crc);
}

void test_trace_ring_basic(void)
{
    struct trace_ring r;
    struct ring_geom g;
    setup(&r, &g, UT_MODE_STREAM);
    CHECK(ring_next_closed(&r, &g) == 0);
    CHECK(put(&r, &g, 24, 1000));
    CHECK_EQ(r.head, 1);
    struct ut_page_hdr *p0 = ring_slot(&r, &g, 0);
    CHECK_EQ(p0->magic, UT_PAGE_MAGIC);
    CHECK_EQ(p0->cpu, 3);
    CHECK_EQ(p0->seq, 0);
    CHECK_EQ(p0->base_ts, 1000);
    CHECK_EQ(p0->commit, 24);
    struct ut_rec_hdr *h = (struct ut_rec_hdr *)(p0 + 1);
    CHECK_EQ(h->id, 7);
    CHECK_EQ(h->size, 24);
    CHECK_EQ(h->ts_delta, 0);
    CHECK(put(&r, &g, 16, 1500));
    CHECK_EQ(((struct ut_rec_hdr *)((uint8_t *)(p0 + 1) + 24))->ts_delta, 500);
    /* fill the page: records never straddle pages */
    int n = 0;
    while (r.head == 1) {
        CHECK(put(&r, &g, 64, 2000));
        n++;
    }
    CHECK_EQ(p0->commit, 24 + 16 + 64 * (n - 1));
    CHECK(32 + p0->commit + 64 > PS);
    CHECK_EQ(p0->flags, 0);
    CHECK(ring_next_closed(&r, &g) == p0);
    ring_consume(&r);
    CHECK(ring_next_closed(&r, &g) == 0);
    /* bad sizes are dropped and counted */
    CHECK(!put(&r, &g, 12, 2000));
    CHECK(!put(&r, &g, PS, 2000));
    CHECK_EQ(r.lost, 2);
}

void test_trace_ring_stream_full(void)
{
    struct trace_ring r;
    struct ring_geom g;
    setup(&r, &g, UT_MODE_STREAM);
    /* one record per page: a 1000-byte record fills a 1024-byte page */
    for (int i = 0; i < NP; i++)
        CHECK(put(&r, &g, 992, 10 + i));
    CHECK_EQ(r.head, NP);
    /* ring full: every further record is dropped and counted */
    CHECK(!put(&r, &g, 992, 20));
    CHECK(!put(&r, &g, 8, 21)); /* does not fit the full current page either */
    CHECK_EQ(r.lost, 2);
    CHECK_EQ(r.lost_pending, 2);
    /* the transport frees one slot: the next page carries lost = 2 */
    struct ut_page_hdr *p = ring_next_closed(&r, &g);
    CHECK(p && p->seq == 0);
    ring_consume(&r);
    CHECK(put(&r, &g, 992, 30));
    struct ut_page_hdr *np = ring_slot(&r, &g, NP);
    CHECK_EQ(np->seq, NP);
    CHECK_EQ(np->lost, 2);
    CHECK_EQ(r.lost_pending, 0);
    /* sequence numbers: the transport sees 1, 2, 3, 4 in order */
    for (uint64_t s = 1; s < NP; s++) {
        p = ring_next_closed(&r, &g);
        CHECK(p && p->seq == s);
        if (p)
            ring_consume(&r);
    }
    CHECK(ring_next_closed(&r, &g) == 0); /* page NP is the current one */
}

void test_trace_ring_flight(void)
{
    struct trace_ring r;
    struct ring_geom g;
    setup(&r, &g, UT_MODE_FLIGHT);
    for (int i = 0; i < 3 * NP; i++)
        CHECK(put(&r, &g, 992, 100 + i));
    CHECK_EQ(r.head, 3 * NP);
    CHECK_EQ(r.lost, 0);
    /* the newest NP pages are in their slots */
    for (uint64_t s = 2 * NP; s < 3 * NP; s++) {
        struct ut_page_hdr *p = ring_slot(&r, &g, s);
        CHECK_EQ(p->seq, s);
        CHECK_EQ(p->base_ts, 100 + s);
        CHECK_EQ(p->lost, 0);
    }
}

void test_trace_ring_flush_and_ts(void)
{
    struct trace_ring r;
    struct ring_geom g;
    setup(&r, &g, UT_MODE_STREAM);
    CHECK(!ring_flush(&r, &g, 5)); /* no page yet */
    CHECK(put(&r, &g, 16, 10));
    CHECK(ring_flush(&r, &g, 20));
    struct ut_page_hdr *p0 = ring_slot(&r, &g, 0), *p1 = ring_slot(&r, &g, 1);
    CHECK_EQ(p0->flags, UT_PAGE_EARLY);
    CHECK_EQ(p0->commit, 16);
    CHECK_EQ(p1->seq, 1);
    CHECK_EQ(p1->commit, 0);
    CHECK(!ring_flush(&r, &g, 30)); /* empty current page is left alone */
    CHECK_EQ(r.head, 2);
    /* ts_delta overflow starts a new page (flag on the closed one) */
    CHECK(put(&r, &g, 16, 40));
    CHECK(put(&r, &g, 16, 40 + 0x100000000ull));
    CHECK_EQ(r.head, 3);
    CHECK_EQ(p1->flags, UT_PAGE_EARLY);
    CHECK_EQ(ring_slot(&r, &g, 2)->base_ts, 40 + 0x100000000ull);
    /* flush with no free slot does nothing */
    CHECK(put(&r, &g, 992, 50 + 0x100000000ull)); /* page 3 */
    CHECK(!put(&r, &g, 16, 60 + 0x100000000ull)); /* ring full: dropped */
    CHECK_EQ(r.head, 4);
    CHECK_EQ(ring_flush(&r, &g, 70 + 0x100000000ull), -1);
}

/* Drops made while the ring was full reach a page header by flushing alone,
 * with no further record (the writers have stopped at the end of a trace). */
void test_trace_ring_flush_reports_pending_drops(void)
{
    struct trace_ring r;
    struct ring_geom g;
    setup(&r, &g, UT_MODE_STREAM);
    for (int i = 0; i < NP; i++)
        CHECK(put(&r, &g, 992, 10 + i)); /* every slot used */
    CHECK(!put(&r, &g, 16, 20));
    CHECK(!put(&r, &g, 16, 21));
    CHECK_EQ(r.lost_pending, 2);
    for (int i = 0; i < NP - 1; i++) { /* the transport sends every closed page */
        CHECK(ring_next_closed(&r, &g) != 0);
        ring_consume(&r);
    }
    /* the full current page closes; the next (empty) one carries the drops */
    CHECK_EQ(ring_flush(&r, &g, 30), 1);
    struct ut_page_hdr *carrier = ring_slot(&r, &g, NP);
    CHECK_EQ(carrier->lost, 2);
    CHECK_EQ(carrier->commit, 0);
    CHECK_EQ(r.lost_pending, 0);
    /* an empty page with a lost count is closed too, so it can be sent */
    CHECK(ring_next_closed(&r, &g) != 0);
    ring_consume(&r);
    CHECK_EQ(ring_flush(&r, &g, 40), 1);
    struct ut_page_hdr *sent = ring_next_closed(&r, &g);
    CHECK(sent == carrier);
    ring_consume(&r);
    /* the page after it has nothing to report: left alone */
    CHECK_EQ(ring_flush(&r, &g, 50), 0);
    CHECK_EQ(r.head, NP + 2);
}

void test_trace_ring_nesting(void)
{
    struct trace_ring r;
    struct ring_geom g;
    setup(&r, &g, UT_MODE_STREAM);
    CHECK(ring_enter(&r));
    CHECK(!put(&r, &g, 16, 1)); /* nested writer: dropped, counted (W5) */
    ring_exit(&r);
    CHECK_EQ(r.lost, 1);
    CHECK(put(&r, &g, 16, 2));
    CHECK_EQ(ring_slot(&r, &g, 0)->lost, 1);
}

static size_t frame(uint8_t *out, uint8_t type, const void *pl, uint32_t n)
{
    struct ut_frame_hdr h;
    ut_frame_header(&h, type, 0, pl, n);
    memcpy(out, &h, 16);
    memcpy(out + 16, pl, n);
    return 16 + n;
}

void test_trace_frame_rx(void)
{
    static struct ut_rx rx;
    uint8_t buf[512], pl[12] = {1, 0, 0, 0, 8, 0, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd};
    size_t n = 0;
    const char junk[] = "garbage\xe1\xc3\xa5\xf7zz";
    memcpy(buf, junk, sizeof junk - 1);
    n += sizeof junk - 1;
    n += frame(buf + n, UT_COMMAND, pl, 12);
    size_t bad = n;
    n += frame(buf + n, UT_COMMAND, pl, 12);
    buf[bad + 20] ^= 1; /* corrupt the second frame's payload */
    n += frame(buf + n, UT_COMMAND, pl, 8);
    ut_rx_init(&rx);
    int got = 0, lens[4] = {0};
    for (size_t i = 0; i < n; i++) {
        int f = ut_rx_feed(&rx, buf[i]);
        while (f) {
            CHECK_EQ(rx.type, UT_COMMAND);
            CHECK(!memcmp(rx.payload, pl, rx.len));
            if (got < 4)
                lens[got] = (int)rx.len;
            got++;
            f = ut_rx_next(&rx);
        }
    }
    CHECK_EQ(got, 2);
    CHECK_EQ(lens[0], 12);
    CHECK_EQ(lens[1], 8);
    CHECK_EQ(rx.bad_crc, 1);
    CHECK(rx.garbage >= sizeof junk - 1);
    /* a frame hidden inside a false header is still found */
    uint8_t b2[64];
    size_t m = 0;
    b2[m++] = 0xe1, b2[m++] = 0xc3, b2[m++] = 0xa5, b2[m++] = 0xf7;
    m += frame(b2 + m, UT_COMMAND, pl, 8);
    ut_rx_init(&rx);
    got = 0;
    for (size_t i = 0; i < m; i++)
        for (int f = ut_rx_feed(&rx, b2[i]); f; f = ut_rx_next(&rx))
            got++;
    CHECK_EQ(got, 1);
}

void test_trace_metadata(void)
{
    static uint8_t m[8192];
    uint32_t n = ut_metadata_build(m, sizeof m, ut_core_events, ut_core_event_count);
    CHECK(n > 8);
    CHECK_EQ(ut_core_event_count, 23);
    uint32_t magic;
    memcpy(&magic, m, 4);
    CHECK_EQ(magic, UT_META_MAGIC);
    CHECK_EQ(m[4] | m[5] << 8, 1);
    CHECK_EQ(m[6] | m[7] << 8, 23);
    /* walk the table: ids 1..23 in order, every field inside fixed_size */
    uint32_t o = 8;
    for (unsigned i = 0; i < 23 && o < n; i++) {
        uint16_t id = m[o] | m[o + 1] << 8, fs = m[o + 2] | m[o + 3] << 8;
        uint8_t nl = m[o + 6], nf = m[o + 7];
        CHECK_EQ(id, i + 1);
        o += 8 + nl;
        for (unsigned f = 0; f < nf; f++) {
            uint16_t off = m[o + 2] | m[o + 3] << 8, sz = m[o + 4] | m[o + 5] << 8;
            CHECK(off + sz <= fs);
            o += 7 + m[o + 6];
        }
    }
    CHECK_EQ(o, n);
    CHECK_EQ(ut_metadata_build(m, 16, ut_core_events, ut_core_event_count), 0);
}
