/*
 * virtio-vsock stream sockets for kernel threads (drivers/virtio_vsock.c).
 *
 * The guest talks only to the host (CID 2) through the device; our own CID
 * comes from the device config.  All calls may sleep: call them from
 * kernel threads, never from interrupt context or with a spinlock held.
 *
 *   struct vsock_listener *l = vsock_listen(5000);
 *   struct vsock_conn *c = vsock_accept(l);          // blocks
 *   long n = vsock_recv(c, buf, sizeof buf);         // >0 bytes, 0 EOF, <0 error
 *   vsock_send(c, buf, n);                           // all n bytes, or <0
 *   vsock_close(c);
 *
 * Data channel (trace/channel.c, `data=vsock`, docs/protocol.md: the
 * kernel listens on port 5151 and the host connects): the drain thread
 * needs exactly
 *   - vsock_listen(VSOCK_DATA_PORT) once, then vsock_try_accept(l) from its
 *     loop (non-blocking) or vsock_accept_timeout();
 *   - vsock_send(c, frame, len) for each frame: blocks until every byte is
 *     queued to the device (waits for host credit, 256 KiB from our
 *     back-end), returns len or a negative error (connection gone);
 *   - vsock_try_recv(c, buf, len) to poll for COMMAND frames without
 *     blocking: >0 bytes, 0 at EOF, VSOCK_EAGAIN when nothing is there;
 *   - vsock_close(c) when send/recv return an error or EOF, then accept
 *     the next connection.
 * One connection must not be used by two threads at once for the same
 * direction (send and recv from different threads is fine).
 */
#ifndef VSOCK_H
#define VSOCK_H
#include <stddef.h>
#include <stdint.h>

#define VSOCK_HOST_CID  2
#define VSOCK_DATA_PORT 5151

/* Errors (negative returns). */
#define VSOCK_EAGAIN    (-11)
#define VSOCK_ENODEV    (-19)
#define VSOCK_EINVAL    (-22)
#define VSOCK_ENOMEM    (-12)
#define VSOCK_ERESET    (-104) /* the peer reset the connection (RST) */
#define VSOCK_ENOTCONN  (-107)
#define VSOCK_ETIMEDOUT (-110)
#define VSOCK_EREFUSED  (-111)

struct vsock_conn;
struct vsock_listener;

/* Probes and starts the device on first call (idempotent; every call
 * below does it): 0, or VSOCK_ENODEV without a usable device. */
int vsock_init(void);
int vsock_available(void);      /* device up and usable (starts it) */
uint64_t vsock_local_cid(void); /* our CID from the device config */

struct vsock_listener *vsock_listen(uint32_t port); /* NULL: no device, port in use */
struct vsock_conn *vsock_accept(struct vsock_listener *l);
struct vsock_conn *vsock_accept_timeout(struct vsock_listener *l, uint64_t timeout_ns);
struct vsock_conn *vsock_try_accept(struct vsock_listener *l); /* never blocks */
/* Connects to a host port; NULL with *err set on refusal (RST) or timeout. */
struct vsock_conn *vsock_connect(uint32_t port, uint64_t timeout_ns, int *err);

long vsock_send(struct vsock_conn *c, const void *buf, size_t len);
long vsock_recv(struct vsock_conn *c, void *buf, size_t len);
long vsock_try_recv(struct vsock_conn *c, void *buf, size_t len);
/* Sends SHUTDOWN(both), waits up to 2 s for the peer's RST (else sends
 * RST itself) and frees c. */
void vsock_close(struct vsock_conn *c);

struct vsock_stats {
    uint64_t rx_pkts, tx_pkts, rx_bytes, tx_bytes;
    uint64_t dropped;   /* malformed or misaddressed packets from the device */
    uint64_t resets_tx; /* RSTs we sent */
    uint64_t credit_updates_tx, credit_requests_tx;
    uint64_t irqs;         /* MSI-X interrupts taken (all queues) */
    uint32_t msix_vectors; /* 0: the device is polled */
    uint64_t late_polls;   /* with MSI-X: a timed-out wait that found work */
};
void vsock_get_stats(struct vsock_stats *s);

/* ---- pure core (drivers/vsock_core.c; host-tested) ---- */

#define VSOCK_HDR_LEN     44
#define VSOCK_TYPE_STREAM 1
enum vsock_op {
    VSOCK_OP_INVALID = 0,
    VSOCK_OP_REQUEST = 1,
    VSOCK_OP_RESPONSE = 2,
    VSOCK_OP_RST = 3,
    VSOCK_OP_SHUTDOWN = 4,
    VSOCK_OP_RW = 5,
    VSOCK_OP_CREDIT_UPDATE = 6,
    VSOCK_OP_CREDIT_REQUEST = 7,
};
#define VSOCK_SHUTDOWN_RCV  1 /* the sender will receive no more */
#define VSOCK_SHUTDOWN_SEND 2 /* the sender will send no more */

struct vsock_hdr {
    uint64_t src_cid, dst_cid;
    uint32_t src_port, dst_port;
    uint32_t len;
    uint16_t type, op;
    uint32_t flags;
    uint32_t buf_alloc, fwd_cnt;
};
/* Little-endian wire format, 44 bytes. */
void vsock_hdr_encode(const struct vsock_hdr *h, uint8_t out[VSOCK_HDR_LEN]);
void vsock_hdr_decode(const uint8_t in[VSOCK_HDR_LEN], struct vsock_hdr *h);

/* Why a received packet is dropped (0 = accept). */
enum vsock_rx_verdict {
    VSOCK_RX_OK = 0,
    VSOCK_RX_SHORT, /* buffer shorter than a header */
    VSOCK_RX_LEN,   /* hdr.len exceeds the bytes the device wrote */
    VSOCK_RX_ADDR,  /* not from the host or not to us */
    VSOCK_RX_TYPE,  /* not a stream packet */
    VSOCK_RX_OP,    /* unknown op, or payload on a non-RW op */
};
enum vsock_rx_verdict vsock_rx_check(const struct vsock_hdr *h, uint32_t used_len,
                                     uint64_t our_cid);

/* Credit (virtio spec 5.10.6.3): u32 free-running counters.
 * How much we may still send to a peer that advertised buf_alloc and
 * fwd_cnt, having sent tx_cnt bytes; 0 if the peer's numbers claim more
 * in flight than its buffer (a confused or hostile peer). */
uint32_t vsock_peer_credit(uint32_t peer_buf_alloc, uint32_t peer_fwd_cnt, uint32_t tx_cnt);
/* Whether `len` more bytes fit in what we advertised. */
int vsock_rx_fits(uint32_t buf_alloc, uint32_t rx_cnt, uint32_t fwd_cnt, uint32_t len);
/* Whether to send a CREDIT_UPDATE after the application consumed data:
 * once a quarter of the buffer was freed since the last fwd_cnt we sent. */
int vsock_credit_update_due(uint32_t buf_alloc, uint32_t fwd_cnt, uint32_t last_sent_fwd);

/* A byte ring for received stream data (power-of-two capacity). */
struct vsock_ring {
    uint8_t *buf;
    uint32_t cap, head, len; /* head: first unread byte */
};
uint32_t vsock_ring_put(struct vsock_ring *r, const uint8_t *p, uint32_t n); /* bytes taken */
uint32_t vsock_ring_get(struct vsock_ring *r, uint8_t *p, uint32_t n);       /* bytes copied */
#endif
