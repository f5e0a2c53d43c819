/*
 * Cross-check of docs/protocol.md: this program uses the reference C code of the protocol's
 * Appendix A (extracted into appendix.h by build.sh) to write a streaming session to stdout:
 * console noise, HELLO, METADATA, then PAGE frames from two CPUs. trace-ingest's
 * CWriterCompatibilityTest decodes the output (src/test/resources/c-writer-sample.bin).
 */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define PAGE_SIZE 4096u
#define PAGES_PER_CPU 8u
#define NCPU 2

static uint16_t frame_seq;
static void send_frame(uint8_t type, const void *payload, uint32_t len);

#include "appendix.h"

static void send_frame(uint8_t type, const void *payload, uint32_t len)
{
    struct ut_frame_hdr h = { UT_SYNC, type, 0, frame_seq++, len, 0 };
    h.crc = crc32c(crc32c(0, &h.type, 8), payload, len);
    fwrite(&h, sizeof h, 1, stdout);
    fwrite(payload, 1, len, stdout);
}

static _Alignas(4096) uint8_t pages[NCPU][PAGES_PER_CPU * PAGE_SIZE];
static struct trace_ring rings[NCPU];

/* --- metadata: three core events, encoded as section 6 says --- */
static uint8_t meta[512];
static size_t mlen;
static void m8(unsigned v) { meta[mlen++] = (uint8_t)v; }
static void m16(unsigned v) { m8(v & 0xff); m8(v >> 8); }
static void m32(uint32_t v) { m16(v & 0xffff); m16(v >> 16); }
static void mname(const char *s) { size_t n = strlen(s); m8((unsigned)n); memcpy(meta + mlen, s, n); mlen += n; }
static void mevent(unsigned id, unsigned fixed, unsigned group, const char *name, unsigned nfields)
{
    size_t n = strlen(name);
    m16(id); m16(fixed); m8(group); m8(0); m8((unsigned)n); m8(nfields);
    memcpy(meta + mlen, name, n); mlen += n;
}
static void mfield(unsigned type, unsigned offset, unsigned size, const char *name)
{
    m8(type); m8(0); m16(offset); m16(size); mname(name);
}

static void emit(int cpu, uint16_t id, const void *payload, uint32_t plen, uint64_t now)
{
    struct trace_ring *r = &rings[cpu];
    uint32_t size = (8 + plen + 7) & ~7u;
    struct ut_rec_hdr *h = ut_reserve(r, id, size, now, 1);
    if (h) {
        memset((uint8_t *)h + 8, 0, size - 8);
        memcpy((uint8_t *)h + 8, payload, plen);
        ut_commit(r, h);
    }
    ut_send_closed(r);
}

int main(void)
{
    for (int c = 0; c < NCPU; c++) {
        rings[c].magic = UT_RING_MAGIC;
        rings[c].cpu = (uint16_t)c;
        rings[c].pages_va = (uint64_t)(uintptr_t)pages[c];
    }
    fputs("boot: console noise on the data port\n", stdout);

    uint8_t hello[80 + 12] = {0};
    uint16_t h16[] = {1, 0, NCPU, 0};
    memcpy(hello, h16, 8);
    uint32_t ps = PAGE_SIZE, pp = PAGES_PER_CPU;
    memcpy(hello + 8, &ps, 4);
    memcpy(hello + 12, &pp, 4);
    uint16_t idlen = 4, cmdlen = 12;
    memcpy(hello + 40, &idlen, 2);
    memcpy(hello + 42, &cmdlen, 2);
    memcpy(hello + 48, "\xde\xad\xbe\xef", 4);
    memcpy(hello + 80, "trace=sched ", 12);
    send_frame(UT_HELLO, hello, sizeof hello);

    m32(UT_META_MAGIC); m16(1); m16(3);
    mevent(2, 32, 0, "sched_switch", 6);
    mfield(3, 0, 4, "prev_tid"); mfield(3, 4, 4, "next_tid"); mfield(1, 8, 1, "prev_state");
    mfield(1, 9, 1, "prev_prio"); mfield(1, 10, 1, "next_prio"); mfield(12, 16, 16, "next_comm");
    mevent(12, 8, 5, "marker_instant", 2);
    mfield(3, 0, 4, "tid"); mfield(13, 4, 4, "name");
    mevent(17, 24, 8, "profile_sample", 4);
    mfield(10, 0, 8, "rip"); mfield(3, 8, 4, "tid"); mfield(14, 12, 4, "stack"); mfield(9, 16, 1, "idle");
    send_frame(UT_METADATA, meta, (uint32_t)mlen);

    uint64_t now = 1000;
    for (uint32_t i = 0; i < 3000; i++) {
        int cpu = (int)(i % NCPU);
        now += 100 + (i % 7);
        if (i % 3 == 0) {
            uint8_t p[32] = {0};
            uint32_t prev = i, next = i + 1;
            memcpy(p, &prev, 4);
            memcpy(p + 4, &next, 4);
            snprintf((char *)p + 16, 16, "thread-%u", next % 100);
            emit(cpu, 2, p, 32, now);
        } else if (i % 3 == 1) {
            uint8_t p[8 + 32] = {0};
            int n = snprintf((char *)p + 8, 32, "mark-%u", i);
            uint32_t tid = i, loc = ((uint32_t)n << 16) | 8;
            memcpy(p, &tid, 4);
            memcpy(p + 4, &loc, 4);
            emit(cpu, 12, p, 8 + (uint32_t)n, now);
        } else {
            uint8_t p[24 + 8 * 5] = {0};
            uint64_t rip = 0xffffffff80200000ull + i;
            uint32_t tid = i, loc = ((uint32_t)(8 * 5) << 16) | 24;
            memcpy(p, &rip, 8);
            memcpy(p + 8, &tid, 4);
            memcpy(p + 12, &loc, 4);
            p[16] = (uint8_t)(i & 1);
            for (uint64_t k = 0; k < 5; k++) {
                uint64_t ra = rip + 0x100 * (k + 1);
                memcpy(p + 24 + 8 * k, &ra, 8);
            }
            emit(cpu, 17, p, sizeof p, now);
        }
    }
    /* FLUSH (W9) on both CPUs, then send. */
    for (int c = 0; c < NCPU; c++) {
        struct trace_ring *r = &rings[c];
        struct ut_page_hdr *pg = slot(r, r->head - 1);
        if (pg->commit > 0) {
            pg->flags |= 1;
            struct ut_page_hdr *next = slot(r, r->head);
            memset(next, 0, PAGE_SIZE);
            next->magic = UT_PAGE_MAGIC; next->cpu = (uint16_t)c; next->seq = r->head; next->base_ts = now;
            r->head++;
        }
        ut_send_closed(r);
    }
    fprintf(stderr, "records=3000 lost=%llu\n", (unsigned long long)(rings[0].lost + rings[1].lost));
    return 0;
}
