/*
 * Trace protocol v1.0 (docs/protocol.md): wire structures, the per-CPU
 * ring writer (trace/ring_core.c), CRC32C, framing, the command receiver
 * and the metadata builder (trace/wire_core.c).  Pure code, host-tested
 * (kernel/tests/host/test_trace*.c); no kernel dependencies.
 */
#ifndef TRACE_RING_H
#define TRACE_RING_H
#include <stddef.h>
#include <stdint.h>

#define UT_SYNC          0xF7A5C3E1u
#define UT_PAGE_MAGIC    0x47505455u /* "UTPG" */
#define UT_META_MAGIC    0x444D5455u /* "UTMD" */
#define UT_DIR_MAGIC     0x44525455u /* "UTRD" */
#define UT_RING_MAGIC    0x47525455u /* "UTRG" */
#define UT_MAJOR         1
#define UT_MINOR         0
#define UT_FRAME_HEADER  16
#define UT_MAX_PAYLOAD   65536
#define UT_PAGE_HEADER   32
#define UT_RECORD_HEADER 8
#define UT_PAGE_EARLY    1 /* page flag: closed early (FLUSH, timestamp overflow) */

enum { UT_HELLO = 1, UT_METADATA = 2, UT_PAGE = 3, UT_COMMAND = 4, UT_REPLY = 5 };
enum {
    UT_CMD_INFO = 1,
    UT_CMD_START = 2,
    UT_CMD_STOP = 3,
    UT_CMD_SET_SAMPLE_RATE = 4,
    UT_CMD_SET_FUNC_FILTER = 5,
    UT_CMD_HEAP_SNAPSHOT = 6,
    UT_CMD_LEAK_SCAN = 7,
    UT_CMD_FLUSH = 8,
    UT_CMD_SET_MODE = 9,
};
enum { UT_ST_OK = 0, UT_ST_UNKNOWN = 1, UT_ST_BAD_ARGS = 2, UT_ST_BUSY = 3, UT_ST_UNSUPPORTED = 4 };
enum { UT_MODE_STREAM = 0, UT_MODE_FLIGHT = 1 };

struct ut_frame_hdr {
    uint32_t sync;
    uint8_t type, flags;
    uint16_t seq;
    uint32_t len, crc;
};
struct ut_page_hdr {
    uint32_t magic;
    uint16_t cpu, flags;
    uint64_t seq, base_ts;
    uint32_t commit, lost;
};
struct ut_rec_hdr {
    uint16_t id, size;
    uint32_t ts_delta;
};
struct trace_ring {
    uint32_t magic;
    uint16_t cpu, busy;
    uint64_t pages_va, head, tail, lost, lost_pending;
    uint8_t reserved[16];
};
/* Ring directory (protocol section 11).  groups and sample_hz repeat the
 * hello's fields for a host that reads the rings out of memory (no hello
 * there); they were reserved (0) before, so the version stays 1 and
 * UT_DIR_HELLO in flags says they are published. */
struct trace_dir {
    uint32_t magic;
    uint16_t version, ncpu;
    uint32_t page_size, pages_per_cpu;
    uint64_t metadata_va;
    uint32_t metadata_len, mode;
    uint32_t groups, sample_hz; /* as in the hello, kept current */
    uint32_t flags;
    uint8_t reserved[20];
    struct trace_ring rings[];
};
#define UT_DIR_HELLO 1u /* trace_dir.flags: groups and sample_hz are published */
_Static_assert(sizeof(struct ut_frame_hdr) == 16, "frame header");
_Static_assert(sizeof(struct ut_page_hdr) == 32, "page header");
_Static_assert(sizeof(struct ut_rec_hdr) == 8, "record header");
_Static_assert(sizeof(struct trace_ring) == 64, "ring descriptor");
_Static_assert(sizeof(struct trace_dir) == 64, "directory header");

/* Ring geometry, shared by all CPUs. */
struct ring_geom {
    uint32_t page_size; /* power of two, 1024..65536 */
    uint32_t pages;     /* power of two, 2..262144 */
    volatile uint32_t mode;
};

void ring_init(struct trace_ring *r, uint16_t cpu, void *pages);
static inline struct ut_page_hdr *ring_slot(const struct trace_ring *r, const struct ring_geom *g,
                                            uint64_t seq)
{
    return (struct ut_page_hdr *)(uintptr_t)(r->pages_va +
                                             (seq & (g->pages - 1)) * (uint64_t)g->page_size);
}
/* W5: returns 0 (and counts a lost record) when the ring is busy. Caller has interrupts off. */
int ring_enter(struct trace_ring *r);
void ring_exit(struct trace_ring *r);
/* Reserve a record of `size` bytes (multiple of 8, header included) at time
 * `now`; returns the record (header filled) or 0 when dropped and counted. */
struct ut_rec_hdr *ring_reserve(struct trace_ring *r, const struct ring_geom *g, uint16_t id,
                                uint32_t size, uint64_t now);
void ring_commit(struct trace_ring *r, const struct ring_geom *g, struct ut_rec_hdr *h);
/* W9: close the current page early if it holds records and a slot is free.
 * Returns 1 if a page was closed, 0 if there was nothing to close, -1 if
 * no slot is free (streaming, ring full: the request stays pending). */
int ring_flush(struct trace_ring *r, const struct ring_geom *g, uint64_t now);
/* Transport (W7): the oldest closed page waiting, or 0. */
struct ut_page_hdr *ring_next_closed(struct trace_ring *r, const struct ring_geom *g);
void ring_consume(struct trace_ring *r);
/* Count a record dropped for a reason other than a full ring. */
void ring_count_lost(struct trace_ring *r);

/* CRC32C (Castagnoli); chains like the reference. */
uint32_t crc32c(uint32_t crc, const void *buf, size_t n);
/* Fills a frame header for `payload` of `len` bytes. */
void ut_frame_header(struct ut_frame_hdr *h, uint8_t type, uint16_t seq, const void *payload,
                     uint32_t len);
/* CRC of a frame whose payload comes in two parts (header crc field ignored). */
void ut_frame_header2(struct ut_frame_hdr *h, uint8_t type, uint16_t seq, const void *p1,
                      uint32_t n1, const void *p2, uint32_t n2);

/* Frame receiver (the kernel's side of the resynchronisation rule, for
 * commands).  Feed bytes one at a time; returns 1 when a frame with a good
 * CRC is complete (type in rx->type, payload in rx->buf[0..rx->len)). */
#define UT_RX_MAX 8192 /* command payloads the kernel accepts (SET_FUNC_FILTER: up to 4108) */
struct ut_rx {
    uint8_t buf[UT_FRAME_HEADER + UT_RX_MAX];
    uint32_t have;
    uint8_t type;
    uint32_t len;
    uint64_t garbage, bad_crc, too_long;
    uint8_t *payload;
};
void ut_rx_init(struct ut_rx *rx);
int ut_rx_feed(struct ut_rx *rx, uint8_t byte);
/* After handling a delivered frame: 1 if another complete frame is buffered. */
int ut_rx_next(struct ut_rx *rx);

/* Metadata builder (protocol section 6). */
enum {
    FT_U8 = 1,
    FT_U16 = 2,
    FT_U32 = 3,
    FT_U64 = 4,
    FT_I8 = 5,
    FT_I16 = 6,
    FT_I32 = 7,
    FT_I64 = 8,
    FT_BOOL = 9,
    FT_PTR = 10,
    FT_ARRAY = 11,
    FT_CHARS = 12,
    FT_STRING = 13,
    FT_STACK = 14,
    FT_BYTES = 15,
};
struct ut_field_desc {
    const char *name;
    uint8_t type, elem_type;
    uint16_t offset, size;
};
struct ut_event_desc {
    uint16_t id;
    uint16_t fixed_size;
    uint8_t group;
    const char *name;
    const struct ut_field_desc *fields;
    uint8_t nfields;
};
extern const struct ut_event_desc ut_core_events[];
extern const unsigned ut_core_event_count;
/* Writes the metadata blob; returns its length or 0 if it does not fit. */
uint32_t ut_metadata_build(uint8_t *out, uint32_t cap, const struct ut_event_desc *ev, unsigned n);
#endif
