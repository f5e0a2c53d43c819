/*
 * virtio-vsock pure parts: header codec, receive checks, credit
 * arithmetic, the receive byte ring.  No kernel dependencies, so the host
 * unit tests build this file as is (tests/host/test_vsock.c).
 */
#include <stddef.h>
#include <stdint.h>
#include "le.h"
#include "string.h"
#include "vsock.h"

void vsock_hdr_encode(const struct vsock_hdr *h, uint8_t out[VSOCK_HDR_LEN])
{
    put64(out + 0, h->src_cid);
    put64(out + 8, h->dst_cid);
    put32(out + 16, h->src_port);
    put32(out + 20, h->dst_port);
    put32(out + 24, h->len);
    put16(out + 28, h->type);
    put16(out + 30, h->op);
    put32(out + 32, h->flags);
    put32(out + 36, h->buf_alloc);
    put32(out + 40, h->fwd_cnt);
}

void vsock_hdr_decode(const uint8_t in[VSOCK_HDR_LEN], struct vsock_hdr *h)
{
    h->src_cid = get64(in + 0);
    h->dst_cid = get64(in + 8);
    h->src_port = get32(in + 16);
    h->dst_port = get32(in + 20);
    h->len = get32(in + 24);
    h->type = get16(in + 28);
    h->op = get16(in + 30);
    h->flags = get32(in + 32);
    h->buf_alloc = get32(in + 36);
    h->fwd_cnt = get32(in + 40);
}

enum vsock_rx_verdict vsock_rx_check(const struct vsock_hdr *h, uint32_t used_len, uint64_t our_cid)
{
    if (used_len < VSOCK_HDR_LEN)
        return VSOCK_RX_SHORT;
    if (h->len > used_len - VSOCK_HDR_LEN)
        return VSOCK_RX_LEN;
    if (h->src_cid != 2 || h->dst_cid != our_cid)
        return VSOCK_RX_ADDR;
    if (h->type != VSOCK_TYPE_STREAM)
        return VSOCK_RX_TYPE;
    if (h->op < VSOCK_OP_REQUEST || h->op > VSOCK_OP_CREDIT_REQUEST)
        return VSOCK_RX_OP;
    if (h->len && h->op != VSOCK_OP_RW)
        return VSOCK_RX_OP;
    return VSOCK_RX_OK;
}

uint32_t vsock_peer_credit(uint32_t peer_buf_alloc, uint32_t peer_fwd_cnt, uint32_t tx_cnt)
{
    uint32_t in_flight = tx_cnt - peer_fwd_cnt; /* wraps correctly */
    return in_flight > peer_buf_alloc ? 0 : peer_buf_alloc - in_flight;
}

int vsock_rx_fits(uint32_t buf_alloc, uint32_t rx_cnt, uint32_t fwd_cnt, uint32_t len)
{
    uint32_t used = rx_cnt - fwd_cnt;
    return used <= buf_alloc && len <= buf_alloc - used;
}

int vsock_credit_update_due(uint32_t buf_alloc, uint32_t fwd_cnt, uint32_t last_sent_fwd)
{
    return fwd_cnt - last_sent_fwd >= buf_alloc / 4;
}

/* Copies in at most two pieces (the ring wraps once). */
uint32_t vsock_ring_put(struct vsock_ring *r, const uint8_t *p, uint32_t n)
{
    uint32_t room = r->cap - r->len;
    if (n > room)
        n = room;
    uint32_t tail = (r->head + r->len) & (r->cap - 1);
    uint32_t first = r->cap - tail < n ? r->cap - tail : n;
    memcpy(r->buf + tail, p, first);
    memcpy(r->buf, p + first, n - first);
    r->len += n;
    return n;
}

uint32_t vsock_ring_get(struct vsock_ring *r, uint8_t *p, uint32_t n)
{
    if (n > r->len)
        n = r->len;
    uint32_t first = r->cap - r->head < n ? r->cap - r->head : n;
    memcpy(p, r->buf + r->head, first);
    memcpy(p + first, r->buf, n - first);
    r->head = (r->head + n) & (r->cap - 1);
    r->len -= n;
    return n;
}
