/* Virtqueue ring arithmetic, vsock header codec, receive checks, credit
 * accounting and the receive byte ring (drivers/virtq.c, vsock_core.c).
 * The "device" is played by writing the used ring directly. */
#include <stdint.h>
#include <string.h>
#include "test.h"
#include "virtio.h"
#include "vsock.h"

static uint8_t ringmem[8192] __attribute__((aligned(4096)));
static struct virtq q;

/* The device returns descriptor `id` with `len` bytes written. */
static void dev_use(struct virtq *vq, uint16_t id, uint32_t len)
{
    uint16_t u = vq->used->idx;
    vq->used->ring[u & (vq->size - 1)].id = id;
    vq->used->ring[u & (vq->size - 1)].len = len;
    vq->used->idx = (uint16_t)(u + 1);
}

void test_virtq_layout(void)
{
    CHECK_EQ(virtq_avail_off(64), 1024);
    CHECK_EQ(virtq_used_off(64), 1160); /* 1024 + 6 + 128 = 1158, 4-aligned */
    CHECK_EQ(virtq_bytes(64), 1160 + 6 + 512);
    CHECK_EQ(virtq_used_off(256) % 4, 0);
    CHECK(virtq_bytes(256) <= 8192);
    memset(ringmem, 0, sizeof ringmem);
    virtq_init(&q, ringmem, 64, 1);
    CHECK((uint8_t *)q.avail == ringmem + 1024);
    CHECK((uint8_t *)q.used == ringmem + 1160);
    CHECK_EQ(q.num_free, 64);
}

void test_virtq_add_and_use(void)
{
    memset(ringmem, 0, sizeof ringmem);
    virtq_init(&q, ringmem, 4, 0);
    uint16_t id;
    uint32_t len;
    CHECK_EQ(virtq_get_used(&q, &id, &len), 0);
    int next = virtq_next_free(&q);
    int d0 = virtq_add(&q, 0x1000, 4096, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT);
    CHECK_EQ(d0, next);
    CHECK_EQ(q.desc[d0].addr, 0x1000);
    CHECK_EQ(q.desc[d0].len, 4096);
    CHECK_EQ(q.desc[d0].flags, VIRTQ_DESC_F_WRITE); /* NEXT never set: single descriptors */
    CHECK_EQ(q.avail->idx, 1);
    CHECK_EQ(q.avail->ring[0], d0);
    int d1 = virtq_add(&q, 0x2000, 100, 0);
    int d2 = virtq_add(&q, 0x3000, 100, 0);
    int d3 = virtq_add(&q, 0x4000, 100, 0);
    CHECK(d1 >= 0 && d2 >= 0 && d3 >= 0);
    CHECK(d0 != d1 && d1 != d2 && d2 != d3 && d0 != d3);
    CHECK_EQ(virtq_add(&q, 0x5000, 1, 0), -1); /* full */
    CHECK_EQ(virtq_next_free(&q), -1);
    /* Out-of-order completion. */
    dev_use(&q, (uint16_t)d2, 50);
    dev_use(&q, (uint16_t)d0, 4096);
    CHECK_EQ(virtq_get_used(&q, &id, &len), 1);
    CHECK_EQ(id, d2);
    CHECK_EQ(len, 50);
    CHECK_EQ(virtq_get_used(&q, &id, &len), 1);
    CHECK_EQ(id, d0);
    CHECK_EQ(virtq_get_used(&q, &id, &len), 0);
    CHECK_EQ(q.num_free, 2);
    CHECK_EQ(virtq_add(&q, 0x6000, 10, 0) >= 0, 1);
    CHECK_EQ(q.avail->idx, 5);
    CHECK_EQ(q.broken, 0);
}

void test_virtq_index_wrap(void)
{
    memset(ringmem, 0, sizeof ringmem);
    virtq_init(&q, ringmem, 8, 0);
    /* Start both free-running counters just below 2^16. */
    q.avail_idx = 65533;
    q.last_used = 65533;
    q.used->idx = 65533;
    uint16_t id;
    uint32_t len;
    for (int round = 0; round < 3; round++) {
        int ids[6];
        for (int i = 0; i < 6; i++)
            ids[i] = virtq_add(&q, 0x1000 * (uint64_t)(i + 1), 64, 0);
        for (int i = 0; i < 6; i++)
            CHECK_EQ(q.avail->ring[(uint16_t)(q.avail_idx - 6 + i) & 7], ids[i]);
        for (int i = 0; i < 6; i++)
            dev_use(&q, (uint16_t)ids[i], 64);
        int n = 0;
        while (virtq_get_used(&q, &id, &len) == 1) {
            CHECK_EQ(id, ids[n]);
            n++;
        }
        CHECK_EQ(n, 6);
        CHECK_EQ(q.num_free, 8);
    }
    CHECK_EQ(q.avail_idx, (uint16_t)(65533 + 18));
    CHECK_EQ(q.last_used, (uint16_t)(65533 + 18));
    CHECK_EQ(q.broken, 0);
}

void test_virtq_hostile_device(void)
{
    uint16_t id;
    uint32_t len;
    /* id out of range */
    memset(ringmem, 0, sizeof ringmem);
    virtq_init(&q, ringmem, 4, 0);
    virtq_add(&q, 0x1000, 64, 0);
    dev_use(&q, 7, 1);
    CHECK_EQ(virtq_get_used(&q, &id, &len), -1);
    CHECK_EQ(q.broken, 1);
    CHECK_EQ(virtq_add(&q, 0x1000, 64, 0), -1); /* a broken ring is not used again */
    /* id not in flight (returned twice) */
    memset(ringmem, 0, sizeof ringmem);
    virtq_init(&q, ringmem, 4, 0);
    int d = virtq_add(&q, 0x1000, 64, 0);
    virtq_add(&q, 0x2000, 64, 0);
    dev_use(&q, (uint16_t)d, 1);
    dev_use(&q, (uint16_t)d, 1);
    CHECK_EQ(virtq_get_used(&q, &id, &len), 1);
    CHECK_EQ(virtq_get_used(&q, &id, &len), -1);
    /* length above what was posted */
    memset(ringmem, 0, sizeof ringmem);
    virtq_init(&q, ringmem, 4, 0);
    d = virtq_add(&q, 0x1000, 64, VIRTQ_DESC_F_WRITE);
    dev_use(&q, (uint16_t)d, 65);
    CHECK_EQ(virtq_get_used(&q, &id, &len), -1);
    /* used->idx jumps past what is in flight */
    memset(ringmem, 0, sizeof ringmem);
    virtq_init(&q, ringmem, 4, 0);
    virtq_add(&q, 0x1000, 64, 0);
    q.used->idx = 1000;
    CHECK_EQ(virtq_get_used(&q, &id, &len), -1);
    /* used->idx moves backwards: looks like ~65535 pending */
    memset(ringmem, 0, sizeof ringmem);
    virtq_init(&q, ringmem, 4, 0);
    q.last_used = 10;
    q.used->idx = 9;
    CHECK_EQ(virtq_get_used(&q, &id, &len), -1);
}

void test_virtq_notify_flag(void)
{
    memset(ringmem, 0, sizeof ringmem);
    virtq_init(&q, ringmem, 4, 0);
    CHECK_EQ(virtq_needs_notify(&q), 1);
    q.used->flags = VIRTQ_USED_F_NO_NOTIFY;
    CHECK_EQ(virtq_needs_notify(&q), 0);
}

void test_vsock_hdr_codec(void)
{
    struct vsock_hdr h = {.src_cid = 0x0102030405060708ULL,
                          .dst_cid = 2,
                          .src_port = 0x11223344,
                          .dst_port = 5151,
                          .len = 0xaabbccdd,
                          .type = VSOCK_TYPE_STREAM,
                          .op = VSOCK_OP_RW,
                          .flags = 3,
                          .buf_alloc = 262144,
                          .fwd_cnt = 0xfffffffe};
    uint8_t b[VSOCK_HDR_LEN];
    memset(b, 0xee, sizeof b);
    vsock_hdr_encode(&h, b);
    static const uint8_t want[VSOCK_HDR_LEN] = {
        8,    7,    6,    5,    4, 3, 2, 1, /* src_cid */
        2,    0,    0,    0,    0, 0, 0, 0, /* dst_cid */
        0x44, 0x33, 0x22, 0x11,             /* src_port */
        0x1f, 0x14, 0,    0,                /* dst_port 5151 */
        0xdd, 0xcc, 0xbb, 0xaa,             /* len */
        1,    0,                            /* type */
        5,    0,                            /* op */
        3,    0,    0,    0,                /* flags */
        0,    0,    4,    0,                /* buf_alloc 0x40000 */
        0xfe, 0xff, 0xff, 0xff,             /* fwd_cnt */
    };
    CHECK(memcmp(b, want, sizeof want) == 0);
    struct vsock_hdr d;
    vsock_hdr_decode(b, &d);
    CHECK_EQ(d.src_cid, h.src_cid);
    CHECK_EQ(d.dst_cid, h.dst_cid);
    CHECK_EQ(d.src_port, h.src_port);
    CHECK_EQ(d.dst_port, h.dst_port);
    CHECK_EQ(d.len, h.len);
    CHECK_EQ(d.type, h.type);
    CHECK_EQ(d.op, h.op);
    CHECK_EQ(d.flags, h.flags);
    CHECK_EQ(d.buf_alloc, h.buf_alloc);
    CHECK_EQ(d.fwd_cnt, h.fwd_cnt);
}

static struct vsock_hdr hdr(uint16_t op, uint32_t len)
{
    struct vsock_hdr h = {.src_cid = 2,
                          .dst_cid = 7,
                          .src_port = 1000,
                          .dst_port = 5000,
                          .len = len,
                          .type = VSOCK_TYPE_STREAM,
                          .op = op};
    return h;
}

void test_vsock_rx_check(void)
{
    struct vsock_hdr h = hdr(VSOCK_OP_RW, 100);
    CHECK_EQ(vsock_rx_check(&h, 44 + 100, 7), VSOCK_RX_OK);
    CHECK_EQ(vsock_rx_check(&h, 44 + 99, 7), VSOCK_RX_LEN);
    CHECK_EQ(vsock_rx_check(&h, 43, 7), VSOCK_RX_SHORT);
    h.len = 0xffffffff; /* would wrap a naive 44 + len */
    CHECK_EQ(vsock_rx_check(&h, 4096, 7), VSOCK_RX_LEN);
    h = hdr(VSOCK_OP_RW, 0);
    CHECK_EQ(vsock_rx_check(&h, 44, 8), VSOCK_RX_ADDR);
    h.src_cid = 3;
    CHECK_EQ(vsock_rx_check(&h, 44, 7), VSOCK_RX_ADDR);
    h = hdr(VSOCK_OP_REQUEST, 0);
    h.type = 2; /* SEQPACKET */
    CHECK_EQ(vsock_rx_check(&h, 44, 7), VSOCK_RX_TYPE);
    h = hdr(8, 0);
    CHECK_EQ(vsock_rx_check(&h, 44, 7), VSOCK_RX_OP);
    h = hdr(VSOCK_OP_INVALID, 0);
    CHECK_EQ(vsock_rx_check(&h, 44, 7), VSOCK_RX_OP);
    h = hdr(VSOCK_OP_CREDIT_UPDATE, 4);
    CHECK_EQ(vsock_rx_check(&h, 48, 7), VSOCK_RX_OP); /* payload only on RW */
    h = hdr(VSOCK_OP_SHUTDOWN, 0);
    CHECK_EQ(vsock_rx_check(&h, 4096, 7), VSOCK_RX_OK); /* a short packet in a big buffer */
}

void test_vsock_credit(void)
{
    CHECK_EQ(vsock_peer_credit(262144, 0, 0), 262144);
    CHECK_EQ(vsock_peer_credit(262144, 0, 262144), 0);
    CHECK_EQ(vsock_peer_credit(262144, 100000, 262144), 100000);
    /* Counters wrap at 2^32. */
    CHECK_EQ(vsock_peer_credit(262144, 0xfffffff0u, 0x10u), 262144 - 0x20);
    /* A peer claiming to have consumed more than we sent, or a buffer
     * smaller than what is in flight: no credit, never a huge one. */
    CHECK_EQ(vsock_peer_credit(262144, 5000, 1000), 0);
    CHECK_EQ(vsock_peer_credit(1000, 0, 2000), 0);
    CHECK_EQ(vsock_rx_fits(65536, 0, 0, 65536), 1);
    CHECK_EQ(vsock_rx_fits(65536, 0, 0, 65537), 0);
    CHECK_EQ(vsock_rx_fits(65536, 70000, 10000, 5536), 1);
    CHECK_EQ(vsock_rx_fits(65536, 70000, 10000, 5537), 0);
    CHECK_EQ(vsock_rx_fits(65536, 0x10u, 0xfffffff0u, 65536 - 0x20), 1);
    CHECK_EQ(vsock_rx_fits(65536, 0xffffffffu, 0, 0xffffffffu), 0);
    CHECK_EQ(vsock_credit_update_due(65536, 16383, 0), 0);
    CHECK_EQ(vsock_credit_update_due(65536, 16384, 0), 1);
    CHECK_EQ(vsock_credit_update_due(65536, 0x3000, 0xfffff000u), 1); /* wrapped */
    /* A sender that follows the credit never overruns the receiver. */
    uint32_t rx_cnt = 0xffff0000u, fwd = 0xffff0000u, tx = rx_cnt, peer_fwd = fwd;
    for (int i = 0; i < 1000; i++) {
        uint32_t c = vsock_peer_credit(65536, peer_fwd, tx);
        uint32_t n = c < 4052 ? c : 4052;
        CHECK_EQ(vsock_rx_fits(65536, rx_cnt, fwd, n), 1);
        tx += n;
        rx_cnt += n;
        if (i % 3 == 0) { /* the application reads some, credit is advertised */
            fwd += (rx_cnt - fwd) / 2;
            peer_fwd = fwd;
        }
    }
}

void test_vsock_ring(void)
{
    static uint8_t store[16];
    struct vsock_ring r = {.buf = store, .cap = 16};
    uint8_t in[32], out[32];
    for (int i = 0; i < 32; i++)
        in[i] = (uint8_t)(i + 1);
    CHECK_EQ(vsock_ring_put(&r, in, 10), 10);
    CHECK_EQ(vsock_ring_get(&r, out, 7), 7);
    CHECK(memcmp(out, in, 7) == 0);
    CHECK_EQ(vsock_ring_put(&r, in + 10, 20), 13); /* 3 left + 13 = full; wraps */
    CHECK_EQ(r.len, 16);
    CHECK_EQ(vsock_ring_get(&r, out, 32), 16);
    CHECK(memcmp(out, in + 7, 16) == 0);
    CHECK_EQ(vsock_ring_get(&r, out, 1), 0);
    CHECK_EQ(r.len, 0);
}
