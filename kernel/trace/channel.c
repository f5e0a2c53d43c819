/*
 * The data channel on COM2 or vsock (docs/protocol.md sections 2-4, 8): a kernel
 * thread ("trace/tx", on the last CPU) sends the closed ring pages as PAGE
 * frames, oldest first (W7), polls the receive side for COMMAND frames and
 * answers each with a REPLY.  The hello (HELLO + METADATA) goes out when
 * the channel starts and after every INFO command; the host may connect
 * at any time and asks with INFO (QEMU's 16550 does not signal a socket
 * connection to the guest).
 *
 * Transmit: wait for THRE (transmit FIFO empty; QEMU holds it clear while
 * its chardev cannot take data), then write up to 16 bytes (the FIFO).
 * One mutex serialises frames (tx thread, replies, the final drain).
 *
 * The carrier (carrier.h) is COM2 (below) or, with `data=vsock`, a vsock
 * stream on port 5151 (carrier_vsock.c): the kernel listens, each new host
 * connection gets the hello, nothing is sent while no host is connected.
 */
#include "kernel.h"
#include "le.h"
#include "arch.h"
#include "cmdline.h"
#include "heapdebug.h"
#include "leakscan.h"
#include "percpu.h"
#include "sched.h"
#include "serial.h"
#include "string.h"
#include "trace.h"
#include "trace_int.h"
#include "uslayout.h"
#include "x86.h"
#include "carrier.h"

/* Heap debugging may be absent from a build: weak references. */
__attribute__((weak)) uint32_t heapdebug_snapshot(uint32_t snapshot_id, uint64_t *bytes);
__attribute__((weak)) int leakscan_run(uint32_t scan_id, unsigned flags,
                                       struct leakscan_result *out);

static struct mutex tx_lock = MUTEX_INIT;
static uint16_t tx_seq;
static struct ut_rx rx;
static uint8_t hello_buf[80 + 1024 + sizeof(struct uslayout)];
static uint32_t next_snapshot_id = 1;
static volatile int tx_closed; /* after the final drain: nothing more is sent */
uint64_t trace_tx_bytes, trace_tx_pages, trace_tx_ns;
static const struct trace_carrier_ops *car; /* set by trace_channel_start */
static volatile int host_seen;              /* a host connected (carriers with accept) */
static volatile int car_failed;             /* its start failed: no host will come */
static volatile int car_started;            /* its start returned (vsock: listening) */
#define HOST_WAIT_S 10 /* at app start and exit, for a host not yet connected */

NOTRACE static void com2_write(const void *buf, uint32_t n)
{
    const uint8_t *p = buf;
    while (n) {
        for (unsigned long i = 0; !(inb(COM2 + 5) & 0x20); i++)
            cpu_relax();
        uint32_t k = n < 16 ? n : 16;
        __asm__ volatile("rep outsb" : "+S"(p), "+c"(k) : "d"((uint16_t)COM2) : "memory");
        n -= n < 16 ? n : 16;
    }
}

static int com2_ready(void)
{
    return 1;
}

static int com2_rx_byte(void)
{
    return (inb(COM2 + 5) & 1) ? inb(COM2) : -1;
}

static void com2_flush(void)
{
    serial_flush(COM2);
}

static const struct trace_carrier_ops com2_ops = {
    .name = "com2",
    .ready = com2_ready,
    .write = com2_write,
    .rx_byte = com2_rx_byte,
    .flush = com2_flush,
};

/* Caller holds tx_lock. */
NOTRACE static void send_frame2(uint8_t type, const void *p1, uint32_t n1, const void *p2,
                                uint32_t n2)
{
    struct ut_frame_hdr h;
    uint64_t t0 = now_ns();
    ut_frame_header2(&h, type, tx_seq++, p1, n1, p2, n2);
    car->write(&h, sizeof h);
    car->write(p1, n1);
    if (n2)
        car->write(p2, n2);
    trace_tx_bytes += sizeof h + n1 + n2;
    trace_tx_ns += now_ns() - t0;
}

/* Caller holds tx_lock. */
static void send_hello(void)
{
    uint8_t *b = hello_buf;
    memset(b, 0, 80);
    uint32_t idlen;
    const uint8_t *id = build_id(&idlen);
    uint32_t cl = (uint32_t)strlen(kernel_cmdline);
    if (cl > 1024)
        cl = 1024;
    uint32_t ll = uslayout.size;
    if (ll > sizeof(struct uslayout))
        ll = sizeof(struct uslayout);
    put16(b + 0, UT_MAJOR);
    put16(b + 2, UT_MINOR);
    put16(b + 4, trace_dir->ncpu);
    put16(b + 6, (uint16_t)trace_geom.mode);
    put32(b + 8, trace_geom.page_size);
    put32(b + 12, trace_geom.pages);
    put64(b + 16, tsc_khz() * 1000);
    put64(b + 24, now_ns());
    put32(b + 32, trace_groups);
    put32(b + 36, trace_on(TG_PROFILE) ? trace_sample_hz : 0);
    put16(b + 40, (uint16_t)idlen);
    put16(b + 42, (uint16_t)cl);
    put32(b + 44, ll);
    memcpy(b + 48, id, idlen);
    memcpy(b + 80, kernel_cmdline, cl);
    memcpy(b + 80 + cl, &uslayout, ll);
    send_frame2(UT_HELLO, b, 80 + cl + ll, 0, 0);
    send_frame2(UT_METADATA, trace_meta, trace_meta_len, 0, 0);
}

static void reply(uint32_t req, uint16_t op, uint16_t status, uint32_t value, const char *msg)
{
    uint8_t b[14 + 255];
    uint32_t ml = msg ? (uint32_t)strlen(msg) : 0;
    if (ml > 255)
        ml = 255;
    put32(b, req);
    put16(b + 4, op);
    put16(b + 6, status);
    put32(b + 8, value);
    put16(b + 12, (uint16_t)ml);
    memcpy(b + 14, msg, ml);
    send_frame2(UT_REPLY, b, 14 + ml, 0, 0);
}

/* Flush requests for every CPU (W9): each acts at its next record or tick. */
void trace_flush_all(void)
{
    for (int c = 0; c < ncpus; c++)
        trace_cpu[c].flush_req = 1;
}

static void set_mode(uint32_t mode)
{
    if (mode == UT_MODE_STREAM && trace_geom.mode == UT_MODE_FLIGHT) {
        /* the transport (this thread) takes the newest closed pages from now */
        for (int c = 0; c < trace_dir->ncpu; c++) {
            struct trace_ring *r = &trace_dir->rings[c];
            uint64_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
            uint64_t oldest = head > trace_geom.pages ? head - trace_geom.pages + 1 : 0;
            if (r->tail < oldest)
                __atomic_store_n(&r->tail, oldest, __ATOMIC_RELEASE);
        }
    }
    trace_geom.mode = mode;
    trace_dir->mode = mode;
}

/* One command (payload in rx.payload[0..rx.len)); caller holds tx_lock. */
static void handle_command(const uint8_t *p, uint32_t len)
{
    if (len < 8)
        return; /* cannot even echo a request id: ignore */
    uint32_t req = get32(p);
    uint16_t op = get16(p + 4), alen = get16(p + 6);
    const uint8_t *a = p + 8;
    if (alen != len - 8) {
        reply(req, op, UT_ST_BAD_ARGS, 0, "arg_len does not match the frame length");
        return;
    }
    switch (op) {
    case UT_CMD_INFO:
        reply(req, op, UT_ST_OK, trace_groups, 0);
        send_hello();
        trace_replay_thread_names();
        return;
    case UT_CMD_START:
    case UT_CMD_STOP:
        if (alen != 4)
            break;
        reply(req, op, UT_ST_OK, op == UT_CMD_START ? trace_start(get32(a)) : trace_stop(get32(a)),
              0);
        return;
    case UT_CMD_SET_SAMPLE_RATE: {
        if (alen != 4 || get32(a) > 10000)
            break;
        uint32_t hz = get32(a);
        trace_sampler_set_rate(hz);
        /* rate 0 leaves the groups alone; trace_start(0) still republishes the
         * rate in the ring directory (memory captures read it there) */
        trace_start(hz ? TG_BIT(TG_PROFILE) : 0);
        reply(req, op, UT_ST_OK, hz, 0);
        return;
    }
    case UT_CMD_SET_FUNC_FILTER: {
        if (alen < 4)
            break;
        uint16_t mode = get16(a), count = get16(a + 2);
        if (mode > 2 || count > 256 || alen != 4 + 16u * count || (mode == 0 && count))
            break;
        static uint64_t ranges[512];
        for (unsigned i = 0; i < 2u * count; i++)
            ranges[i] = (uint64_t)get32(a + 4 + 8 * i) | (uint64_t)get32(a + 8 + 8 * i) << 32;
        int n = ftrace_set_filter(mode, count, ranges);
        if (n < 0)
            reply(req, op, UT_ST_UNSUPPORTED, 0, "kernel built without the function tracer");
        else
            reply(req, op, UT_ST_OK, (uint32_t)n, 0);
        return;
    }
    case UT_CMD_HEAP_SNAPSHOT: {
        if (alen)
            break;
        if (!heapdebug_snapshot) {
            reply(req, op, UT_ST_UNSUPPORTED, 0, "no heap debugging in this build");
            return;
        }
        uint32_t id = next_snapshot_id++;
        uint64_t bytes = 0;
        uint32_t objs = heapdebug_snapshot(id, &bytes);
        char msg[64];
        snprintf(msg, sizeof msg, "objects=%u bytes=%lu", objs, bytes);
        reply(req, op, UT_ST_OK, id, msg);
        return;
    }
    case UT_CMD_LEAK_SCAN: {
        if (alen)
            break;
        if (!leakscan_run) {
            reply(req, op, UT_ST_UNSUPPORTED, 0, "no leak scan in this build");
            return;
        }
        struct leakscan_result res;
        memset(&res, 0, sizeof res);
        int st = leakscan_run(0, LEAKSCAN_EMIT, &res);
        char msg[96];
        snprintf(msg, sizeof msg, "leaks=%u leaked_bytes=%lu objects=%lu status=%d", res.leaks,
                 res.leaked_bytes, res.objects, st);
        reply(req, op,
              st == 0    ? UT_ST_OK
              : st == -3 ? UT_ST_BUSY
              : st == -1 ? UT_ST_UNSUPPORTED
                         : UT_ST_BAD_ARGS,
              res.scan_id, st == -1 ? "heap tracking is off (boot with heap=track)" : msg);
        return;
    }
    case UT_CMD_FLUSH:
        if (alen)
            break;
        trace_flush_all();
        reply(req, op, UT_ST_OK, 0, 0);
        return;
    case UT_CMD_SET_MODE:
        if (alen != 4 || get32(a) > 1)
            break;
        set_mode(get32(a));
        reply(req, op, UT_ST_OK, trace_geom.mode, 0);
        return;
    default:
        reply(req, op, UT_ST_UNKNOWN, 0, "unknown opcode");
        return;
    }
    reply(req, op, UT_ST_BAD_ARGS, 0, "bad arguments");
}

/* Caller holds tx_lock. */
static void poll_rx(void)
{
    for (int i = 0; i < 4096; i++) {
        int b = car->rx_byte();
        if (b < 0)
            break;
        int got = ut_rx_feed(&rx, (uint8_t)b);
        while (got) {
            if (rx.type == UT_COMMAND)
                handle_command(rx.payload, rx.len);
            got = ut_rx_next(&rx);
        }
    }
}

/* Sends every closed page of every CPU (streaming). Caller holds tx_lock. */
static int send_closed(void)
{
    int sent = 0;
    if (trace_geom.mode != UT_MODE_STREAM || !car->ready())
        return 0;
    for (int c = 0; c < trace_dir->ncpu; c++) {
        struct trace_ring *r = &trace_dir->rings[c];
        struct ut_page_hdr *pg;
        /* Only the pages started before this pass reached the CPU: a CPU
         * that fills pages faster than the carrier sends them must not
         * hold the other CPUs' pages (or the final drain) forever. */
        uint64_t stop = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
        while (r->tail < stop && (pg = ring_next_closed(r, &trace_geom))) {
            uint32_t commit = __atomic_load_n(&pg->commit, __ATOMIC_ACQUIRE);
            if (commit > trace_geom.page_size - UT_PAGE_HEADER)
                commit = trace_geom.page_size - UT_PAGE_HEADER;
            send_frame2(UT_PAGE, pg, UT_PAGE_HEADER + commit, 0, 0);
            ring_consume(r);
            trace_tx_pages++;
            sent++;
            poll_rx();
        }
    }
    return sent;
}

static void tx_thread(void *arg)
{
    (void)arg;
    if (car->start && car->start() < 0) {
        car_failed = 1;
        return;
    }
    car_started = 1;
    for (;;) {
        mutex_lock(&tx_lock);
        int sent = 0;
        if (!tx_closed && car->accept && car->accept()) {
            ut_rx_init(&rx); /* a new connection: a new command stream */
            host_seen = 1;
            send_hello();
        }
        if (!tx_closed && car->ready()) {
            poll_rx();
            sent = send_closed();
        }
        mutex_unlock(&tx_lock);
        if (!sent)
            thread_sleep_ns(1000000);
    }
}

void trace_channel_start(void)
{
    ut_rx_init(&rx);
    if (!trace_dir)
        return;
    if (trace_carrier == TRACE_DATA_COM2)
        car = &com2_ops;
    else if (trace_carrier == TRACE_DATA_VSOCK)
        car = &trace_carrier_vsock_ops;
    else
        return;
    if (!car->accept) {
        mutex_lock(&tx_lock);
        send_hello();
        mutex_unlock(&tx_lock);
    }
    thread_create("trace/tx", tx_thread, 0, ncpus - 1);
}

/* The app starts once the carrier is up and, for a carrier the host
 * connects to after boot (vsock), once the host is there (both bounded).
 * Starting the carrier and accepting the host allocate (the device, its
 * driver thread, the connection's buffers): an app that measures the heap
 * across its run (kvstore) must not see that as its own.  And the trace
 * then holds the app from its first event rather than what the rings kept. */
void trace_channel_wait_started(void)
{
    uint64_t end = now_ns() + HOST_WAIT_S * 1000000000ull;
    while (car && !car_failed && (!car_started || (car->accept && !host_seen)) && now_ns() < end)
        thread_sleep_ns(1000000);
    if (car && car->accept && !host_seen && !car_failed)
        printk("trace: data channel: no host after %d s, the app starts anyway\n", HOST_WAIT_S);
}

/* At app exit: close every CPU's current page and send what is left. */
void trace_final_drain(void)
{
    if (!car || !trace_dir || trace_geom.mode != UT_MODE_STREAM)
        return;
    /* The trace ends with the app: stop every group first, so the drain
     * sends a fixed set of pages.  Otherwise the idle CPUs' ticks (with the
     * function tracer on) can fill pages faster than a slow carrier sends
     * them (COM2 on a loaded host) and the drain never ends. */
    trace_stop(~0u);
    /* A host that connects only after boot (vsock) may not have yet when a
     * short app ends: give it a bounded chance (the tx thread accepts). */
    if (car->accept && !host_seen && !car_failed) {
        printk("trace: data channel: waiting up to %d s for a host\n", HOST_WAIT_S);
        uint64_t end = now_ns() + HOST_WAIT_S * 1000000000ull;
        while (!host_seen && !car_failed && now_ns() < end)
            thread_sleep_ns(1000000);
    }
    mutex_lock(&tx_lock);
    /* Send, flush (every CPU acts within one tick, or once a slot is free),
     * repeat until every current page is empty; bounded. */
    for (int round = 0; round < 8; round++) {
        send_closed();
        trace_flush_all();
        uint64_t end = now_ns() + 20000000;
        int pending = 1;
        while (pending && now_ns() < end) {
            thread_sleep_ns(1000000);
            pending = 0;
            for (int c = 0; c < ncpus; c++)
                pending |= trace_cpu[c].flush_req;
        }
        send_closed();
        int left = 0;
        for (int c = 0; c < trace_dir->ncpu; c++) {
            struct trace_ring *r = &trace_dir->rings[c];
            const struct ut_page_hdr *cur = r->head ? ring_slot(r, &trace_geom, r->head - 1) : 0;
            /* records, or drops not yet in a sent page header (ring_flush) */
            left |= (cur && (cur->commit || cur->lost)) || r->lost_pending;
        }
        if (!left)
            break;
    }
    car->flush();
    for (int c = 0; c < trace_dir->ncpu; c++) {
        struct trace_ring *r = &trace_dir->rings[c];
        /* drops not in a sent page header: pending, or in the pages not sent (the current one) */
        uint64_t unreported = r->lost_pending;
        for (uint64_t s = r->tail; s < r->head; s++)
            unreported += ring_slot(r, &trace_geom, s)->lost;
        printk("trace: cpu=%d pages_started=%lu pages_sent=%lu lost=%lu lost_unreported=%lu\n", c,
               r->head, r->tail, r->lost, unreported);
    }
    printk("trace: channel frames=%u bytes=%lu pages=%lu send_ms=%lu\n", tx_seq, trace_tx_bytes,
           trace_tx_pages, trace_tx_ns / 1000000);
    tx_closed = 1;
    mutex_unlock(&tx_lock);
}
