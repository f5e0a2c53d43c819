/*
 * Trace protocol v1.0 wire code (docs/protocol.md sections 2, 6, 7): CRC32C,
 * frame headers, the command-frame receiver with resynchronisation, the
 * core event table and the metadata builder.  Pure, host-tested.
 */
#include "le.h"
#include "trace_ring.h"
#include "trace.h"

#define NOTRACE __attribute__((no_instrument_function))

static uint32_t crc_table[256];
static volatile int crc_ready;

static NOTRACE void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1)));
        crc_table[i] = c;
    }
    __atomic_store_n(&crc_ready, 1, __ATOMIC_RELEASE);
}

NOTRACE uint32_t crc32c(uint32_t crc, const void *buf, size_t n)
{
    const uint8_t *p = buf;
    if (!__atomic_load_n(&crc_ready, __ATOMIC_ACQUIRE))
        crc_init();
    crc = ~crc;
    while (n--)
        crc = (crc >> 8) ^ crc_table[(crc ^ *p++) & 0xff];
    return ~crc;
}

NOTRACE void ut_frame_header2(struct ut_frame_hdr *h, uint8_t type, uint16_t seq, const void *p1,
                              uint32_t n1, const void *p2, uint32_t n2)
{
    h->sync = UT_SYNC;
    h->type = type;
    h->flags = 0;
    h->seq = seq;
    h->len = n1 + n2;
    uint32_t c = crc32c(0, &h->type, 8);
    c = crc32c(c, p1, n1);
    h->crc = crc32c(c, p2, n2);
}

NOTRACE void ut_frame_header(struct ut_frame_hdr *h, uint8_t type, uint16_t seq,
                             const void *payload, uint32_t len)
{
    ut_frame_header2(h, type, seq, payload, len, 0, 0);
}

/* ---- receiver ------------------------------------------------------------ */

NOTRACE void ut_rx_init(struct ut_rx *rx)
{
    rx->have = 0;
    rx->type = 0;
    rx->len = 0;
    rx->garbage = rx->bad_crc = rx->too_long = 0;
    rx->payload = rx->buf + UT_FRAME_HEADER;
}

static NOTRACE int known_type(uint8_t t)
{
    return t >= UT_HELLO && t <= UT_REPLY;
}

static NOTRACE void drop(struct ut_rx *rx, uint32_t n)
{
    for (uint32_t j = n; j < rx->have; j++)
        rx->buf[j - n] = rx->buf[j];
    rx->have -= n;
}

/* Checks what is buffered; returns 1 for a complete good frame (left at
 * the start of the buffer until the next feed/next), 0 to wait for more. */
static NOTRACE int rx_check(struct ut_rx *rx)
{
    static const uint8_t sync[4] = {0xE1, 0xC3, 0xA5, 0xF7};
    for (;;) {
        uint32_t m = rx->have < 4 ? rx->have : 4, k;
        for (k = 0; k < m && rx->buf[k] == sync[k]; k++)
            ;
        if (k < m) { /* not a sync here: garbage byte */
            rx->garbage++;
            drop(rx, 1);
            continue;
        }
        if (rx->have < UT_FRAME_HEADER)
            return 0;
        uint8_t type = rx->buf[4], flags = rx->buf[5];
        uint32_t len = get32(rx->buf + 8);
        if (flags != 0 || !known_type(type) || len > UT_MAX_PAYLOAD || len > UT_RX_MAX) {
            if (len <= UT_MAX_PAYLOAD && len > UT_RX_MAX && !flags && known_type(type))
                rx->too_long++;
            rx->garbage++;
            drop(rx, 1); /* not a frame: skip one byte past the sync start */
            continue;
        }
        if (rx->have < UT_FRAME_HEADER + len)
            return 0;
        uint32_t c = crc32c(0, rx->buf + 4, 8);
        c = crc32c(c, rx->buf + UT_FRAME_HEADER, len);
        if (c != get32(rx->buf + 12)) {
            rx->bad_crc++;
            drop(rx, 1);
            continue;
        }
        rx->type = type;
        rx->len = len;
        return 1;
    }
}

NOTRACE int ut_rx_next(struct ut_rx *rx)
{
    if (rx->type) { /* the frame delivered last time is consumed now */
        drop(rx, UT_FRAME_HEADER + rx->len);
        rx->type = 0;
    }
    return rx_check(rx);
}

NOTRACE int ut_rx_feed(struct ut_rx *rx, uint8_t byte)
{
    if (rx->type) {
        drop(rx, UT_FRAME_HEADER + rx->len);
        rx->type = 0;
    }
    if (rx->have >= sizeof rx->buf) { /* cannot happen: len <= UT_RX_MAX is checked */
        rx->garbage++;
        drop(rx, 1);
    }
    rx->buf[rx->have++] = byte;
    return rx_check(rx);
}

/* ---- metadata ------------------------------------------------------------ */

static NOTRACE uint32_t slen(const char *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    return n;
}

NOTRACE uint32_t ut_metadata_build(uint8_t *out, uint32_t cap, const struct ut_event_desc *ev,
                                   unsigned n)
{
    uint32_t o = 0;
#define PUT8(v)                                                                                    \
    do {                                                                                           \
        if (o + 1 > cap)                                                                           \
            return 0;                                                                              \
        out[o++] = (uint8_t)(v);                                                                   \
    } while (0)
#define PUT16(v)                                                                                   \
    do {                                                                                           \
        PUT8((v)&0xff);                                                                            \
        PUT8(((v) >> 8) & 0xff);                                                                   \
    } while (0)
#define PUT32(v)                                                                                   \
    do {                                                                                           \
        PUT16((v)&0xffff);                                                                         \
        PUT16(((v) >> 16) & 0xffff);                                                               \
    } while (0)
    PUT32(UT_META_MAGIC);
    PUT16(1);
    PUT16(n);
    for (unsigned i = 0; i < n; i++) {
        const struct ut_event_desc *e = &ev[i];
        uint32_t nl = slen(e->name);
        PUT16(e->id);
        PUT16(e->fixed_size);
        PUT8(e->group);
        PUT8(0);
        PUT8(nl);
        PUT8(e->nfields);
        for (uint32_t k = 0; k < nl; k++)
            PUT8(e->name[k]);
        for (unsigned f = 0; f < e->nfields; f++) {
            const struct ut_field_desc *fd = &e->fields[f];
            uint32_t fl = slen(fd->name);
            PUT8(fd->type);
            PUT8(fd->elem_type);
            PUT16(fd->offset);
            PUT16(fd->size);
            PUT8(fl);
            for (uint32_t k = 0; k < fl; k++)
                PUT8(fd->name[k]);
        }
    }
    return o;
#undef PUT8
#undef PUT16
#undef PUT32
}

/* ---- the core event table (protocol section 7.2) ------------------------- */

#define F(n, t, o, s)                                                                              \
    {                                                                                              \
        n, t, 0, o, s                                                                              \
    }
static const struct ut_field_desc f_thread_name[] = {F("tid", FT_U32, 0, 4),
                                                     F("name", FT_STRING, 4, 4)};
static const struct ut_field_desc f_sched_switch[] = {
    F("prev_tid", FT_U32, 0, 4), F("next_tid", FT_U32, 4, 4),  F("prev_state", FT_U8, 8, 1),
    F("prev_prio", FT_U8, 9, 1), F("next_prio", FT_U8, 10, 1), F("next_comm", FT_CHARS, 16, 16)};
static const struct ut_field_desc f_sched_wakeup[] = {
    F("tid", FT_U32, 0, 4), F("target_cpu", FT_U16, 4, 2), F("prio", FT_U8, 6, 1)};
static const struct ut_field_desc f_irq_entry[] = {F("vector", FT_U32, 0, 4),
                                                   F("rip", FT_PTR, 8, 8)};
static const struct ut_field_desc f_irq_exit[] = {F("vector", FT_U32, 0, 4)};
static const struct ut_field_desc f_timer[] = {
    F("timer", FT_PTR, 0, 8), F("function", FT_PTR, 8, 8), F("expires_ns", FT_U64, 16, 8)};
static const struct ut_field_desc f_page_fault[] = {
    F("address", FT_PTR, 0, 8), F("rip", FT_PTR, 8, 8), F("error_code", FT_U32, 16, 4)};
static const struct ut_field_desc f_alloc[] = {F("ptr", FT_PTR, 0, 8), F("size", FT_U64, 8, 8),
                                               F("caller", FT_PTR, 16, 8),
                                               F("stack_id", FT_U32, 24, 4)};
static const struct ut_field_desc f_free[] = {F("ptr", FT_PTR, 0, 8), F("caller", FT_PTR, 8, 8)};
static const struct ut_field_desc f_marker[] = {F("tid", FT_U32, 0, 4), F("name", FT_STRING, 4, 4)};
static const struct ut_field_desc f_counter[] = {F("tid", FT_U32, 0, 4), F("name", FT_STRING, 4, 4),
                                                 F("value", FT_I64, 8, 8)};
static const struct ut_field_desc f_func[] = {F("ip", FT_PTR, 0, 8), F("parent_ip", FT_PTR, 8, 8)};
static const struct ut_field_desc f_graph_entry[] = {F("ip", FT_PTR, 0, 8),
                                                     F("depth", FT_U32, 8, 4)};
static const struct ut_field_desc f_graph_exit[] = {F("ip", FT_PTR, 0, 8), F("depth", FT_U32, 8, 4),
                                                    F("duration_ns", FT_U64, 16, 8)};
static const struct ut_field_desc f_profile[] = {F("rip", FT_PTR, 0, 8), F("tid", FT_U32, 8, 4),
                                                 F("stack", FT_STACK, 12, 4),
                                                 F("idle", FT_BOOL, 16, 1)};
static const struct ut_field_desc f_stack_def[] = {F("stack_id", FT_U32, 0, 4),
                                                   F("stack", FT_STACK, 4, 4)};
static const struct ut_field_desc f_heap_finding[] = {
    F("kind", FT_U32, 0, 4),          F("alloc_stack", FT_U32, 4, 4),
    F("ptr", FT_PTR, 8, 8),           F("size", FT_U64, 16, 8),
    F("bad_address", FT_PTR, 24, 8),  F("free_stack", FT_U32, 32, 4),
    F("detect_stack", FT_U32, 36, 4), F("tid", FT_U32, 40, 4)};
static const struct ut_field_desc f_heap_object[] = {
    F("ptr", FT_PTR, 0, 8), F("size", FT_U64, 8, 8), F("alloc_stack", FT_U32, 16, 4),
    F("snapshot_id", FT_U32, 20, 4)};
static const struct ut_field_desc f_snapshot_done[] = {
    F("snapshot_id", FT_U32, 0, 4), F("objects", FT_U32, 4, 4), F("bytes", FT_U64, 8, 8)};
static const struct ut_field_desc f_leak[] = {
    F("ptr", FT_PTR, 0, 8), F("size", FT_U64, 8, 8), F("alloc_stack", FT_U32, 16, 4),
    F("scan_id", FT_U32, 20, 4), F("age_ns", FT_U64, 24, 8)};
static const struct ut_field_desc f_scan_done[] = {
    F("scan_id", FT_U32, 0, 4), F("leaks", FT_U32, 4, 4), F("scanned", FT_U64, 8, 8),
    F("leaked_bytes", FT_U64, 16, 8)};
#undef F

#define E(i, n, g, fs, f)                                                                          \
    {                                                                                              \
        i, fs, g, n, f, (uint8_t)(sizeof(f) / sizeof(f[0]))                                        \
    }
const struct ut_event_desc ut_core_events[] = {
    E(EV_THREAD_NAME, "thread_name", TG_SCHED, 8, f_thread_name),
    E(EV_SCHED_SWITCH, "sched_switch", TG_SCHED, 32, f_sched_switch),
    E(EV_SCHED_WAKEUP, "sched_wakeup", TG_SCHED, 8, f_sched_wakeup),
    E(EV_IRQ_ENTRY, "irq_entry", TG_IRQ, 16, f_irq_entry),
    E(EV_IRQ_EXIT, "irq_exit", TG_IRQ, 8, f_irq_exit),
    E(EV_TIMER_EXPIRE, "timer_expire", TG_TIMER, 24, f_timer),
    E(EV_PAGE_FAULT, "page_fault", TG_FAULT, 24, f_page_fault),
    E(EV_ALLOC, "alloc", TG_ALLOC, 32, f_alloc),
    E(EV_FREE, "free", TG_ALLOC, 16, f_free),
    E(EV_MARKER_BEGIN, "marker_begin", TG_MARKER, 8, f_marker),
    E(EV_MARKER_END, "marker_end", TG_MARKER, 8, f_marker),
    E(EV_MARKER_INSTANT, "marker_instant", TG_MARKER, 8, f_marker),
    E(EV_MARKER_COUNTER, "marker_counter", TG_MARKER, 16, f_counter),
    E(EV_FUNC_ENTRY, "func_entry", TG_FUNC, 16, f_func),
    E(EV_GRAPH_ENTRY, "graph_entry", TG_GRAPH, 16, f_graph_entry),
    E(EV_GRAPH_EXIT, "graph_exit", TG_GRAPH, 24, f_graph_exit),
    E(EV_PROFILE_SAMPLE, "profile_sample", TG_PROFILE, 24, f_profile),
    E(EV_STACK_DEF, "stack_def", TG_HEAP, 8, f_stack_def),
    E(EV_HEAP_FINDING, "heap_finding", TG_HEAP, 48, f_heap_finding),
    E(EV_HEAP_OBJECT, "heap_object", TG_HEAP, 24, f_heap_object),
    E(EV_HEAP_SNAPSHOT_DONE, "heap_snapshot_done", TG_HEAP, 16, f_snapshot_done),
    E(EV_LEAK, "leak", TG_LEAK, 32, f_leak),
    E(EV_LEAK_SCAN_DONE, "leak_scan_done", TG_LEAK, 24, f_scan_done),
};
#undef E
const unsigned ut_core_event_count = sizeof(ut_core_events) / sizeof(ut_core_events[0]);
