/*
 * virtio-vsock (virtio spec 5.10) stream sockets for kernel threads.
 *
 * Device: PCI 1AF4:1053, queue 0 = rx (device writes), 1 = tx (device
 * reads); queue 2 (events) is left alone (QEMU's vhost-user-vsock keeps it
 * inside QEMU).  Only VIRTIO_F_VERSION_1 is accepted.
 *
 * Buffers: every rx descriptor is one 4 KiB page (44-byte header + up to
 * 4052 payload bytes); every tx descriptor owns a fixed 16 KiB contiguous
 * buffer, so a packet is always one descriptor and never needs NEXT.
 *
 * Interrupts: rx and tx each have an MSI-X entry (virtio_route_queues).
 * The handler only wakes threads; the rings are processed in thread
 * context by whoever waits.  A thread that blocks in accept/connect/send/
 * recv/close reads the interrupt count, polls, checks its condition, and
 * sleeps in virtio_wait until the next interrupt or its deadline (the
 * lost-wakeup rule of include/wait.h).  The thread "vsock/svc" handles
 * what arrives while nobody waits (connection requests, credit requests,
 * resets): an rx interrupt wakes it only when no caller is waiting, and it
 * re-polls every 100 ms as a safety net.  tx completions wake only
 * callers (a free tx descriptor matters to nobody else).
 *
 * Fallback: without MSI-X (no capability, no vector, or the device
 * answers NO_VECTOR) the same waits poll: a caller yields while traffic
 * flows and sleeps a tick at a time once idle for 2 ms, and the service
 * thread polls every tick.  The boot line says which mode and why.
 *
 * Locking: one sleeping mutex (vs.lock) covers the device, the rings and
 * every connection.  Only the wake-up runs in interrupt context.
 *
 * Trust: the host is a peer, not a friend.  Every used element is checked
 * by virtq_get_used (id, count, length); every header by vsock_rx_check
 * (length against the bytes written, addresses, type, op); RW data beyond
 * the credit we advertised resets the connection instead of overflowing
 * anything.  A device that breaks the ring protocol is abandoned.
 */
#include "kernel.h"
#include "layout.h"
#include "mm.h"
#include "pci.h"
#include "sched.h"
#include "string.h"
#include "virtio.h"
#include "vsock.h"
#include "x86.h"

#define VSOCK_PCI_DEVICE 0x1053
#define QSIZE            64
#define RX_BUF           4096
#define TX_BUF           (16 * 1024)
#define TX_PAYLOAD       (TX_BUF - VSOCK_HDR_LEN)
#define CONN_BUF         (64 * 1024) /* our buf_alloc per connection (power of two) */
#define MAX_CONNS        32
#define MAX_LISTENERS    8
#define BACKLOG          8
#define EPHEMERAL_FIRST  49152
#define CLOSE_WAIT_NS    (2000 * 1000000ULL)
#define TX_SLOT_WAIT_NS  (1000 * 1000000ULL)
#define SPIN_NS          (2 * 1000000ULL)

enum conn_state { C_FREE = 0, C_CONNECTING, C_ESTABLISHED, C_CLOSING, C_CLOSED };

struct vsock_conn {
    int state;
    int err; /* why it closed (0: orderly) */
    uint32_t lport, pport;
    struct vsock_ring rx;
    uint32_t rx_cnt, fwd_cnt, last_fwd_sent; /* our receive side */
    uint32_t tx_cnt, peer_buf_alloc, peer_fwd_cnt;
    int peer_no_send, peer_no_rcv; /* SHUTDOWN flags from the peer */
    int credit_requested;
    int in_backlog;
};

struct vsock_listener {
    int used;
    uint32_t port;
    int nback;
    struct vsock_conn *backlog[BACKLOG];
};

static struct {
    struct mutex lock;
    int up, broken;
    uint64_t cid;
    struct virtio_dev vd;
    struct virtq rxq, txq;
    uint64_t rx_pa[QSIZE]; /* buffer of each rx descriptor */
    uint64_t tx_pa[QSIZE]; /* fixed buffer of each tx descriptor */
    struct vsock_conn conns[MAX_CONNS];
    struct vsock_listener listeners[MAX_LISTENERS];
    uint32_t next_port;
    struct vsock_stats st;
} vs = {.lock = MUTEX_INIT, .next_port = EPHEMERAL_FIRST};

static void device_broken(const char *what)
{
    if (!vs.broken)
        printk("vsock: device broke the %s ring protocol; driver stopped\n", what);
    vs.broken = 1;
}

/* The driver lock, taken by API calls and the service thread: inside
 * (virtio_enter/leave) from before the lock to after it. */
static void vs_lock(void)
{
    virtio_enter(&vs.vd);
    mutex_lock(&vs.lock);
}

static void vs_unlock(void)
{
    mutex_unlock(&vs.lock);
    virtio_leave(&vs.vd);
}

/* Reaps completed tx descriptors (their buffers are reusable at once). */
static void reap_tx(void)
{
    uint16_t id;
    uint32_t len;
    int r;
    while ((r = virtq_get_used(&vs.txq, &id, &len)) > 0)
        ;
    if (r < 0)
        device_broken("tx");
}

/* A free tx descriptor, waiting (spinning; lock held) up to 1 s for the
 * device to return one.  -1 if none.  Before waiting, the device is told
 * about any rx buffers reposted but not yet notified: a device whose reply
 * queue is full takes no tx until it gets rx buffers (spec 5.10.6.3.1). */
static int tx_slot(int wait)
{
    uint64_t t0 = now_ns();
    int d = virtq_next_free(&vs.txq);
    if (d >= 0)
        return d;
    if (wait)
        virtio_kick(&vs.rxq);
    for (;;) {
        if (vs.broken)
            return -1;
        reap_tx();
        d = virtq_next_free(&vs.txq);
        if (d >= 0 || !wait || now_ns() - t0 > TX_SLOT_WAIT_NS)
            return d;
        cpu_relax();
    }
}

/* Queues one packet on tx.  `c` (may be NULL for a reply to an unknown
 * connection) supplies our credit fields. */
static int tx_pkt(struct vsock_conn *c, uint32_t lport, uint32_t pport, uint16_t op, uint32_t flags,
                  const void *data, uint32_t len)
{
    int d = tx_slot(1);
    if (d < 0) {
        vs.st.dropped++;
        return -1;
    }
    struct vsock_hdr h = {
        .src_cid = vs.cid,
        .dst_cid = VSOCK_HOST_CID,
        .src_port = lport,
        .dst_port = pport,
        .len = len,
        .type = VSOCK_TYPE_STREAM,
        .op = op,
        .flags = flags,
        .buf_alloc = c ? CONN_BUF : 0,
        .fwd_cnt = c ? c->fwd_cnt : 0,
    };
    if (c)
        c->last_fwd_sent = c->fwd_cnt;
    uint8_t *buf = P2V(vs.tx_pa[d]);
    vsock_hdr_encode(&h, buf);
    if (len)
        memcpy(buf + VSOCK_HDR_LEN, data, len);
    int got = virtq_add(&vs.txq, vs.tx_pa[d], VSOCK_HDR_LEN + len, 0);
    ASSERT(got == d);
    virtio_kick(&vs.txq);
    vs.st.tx_pkts++;
    vs.st.tx_bytes += len;
    if (op == VSOCK_OP_RST)
        vs.st.resets_tx++;
    else if (op == VSOCK_OP_CREDIT_UPDATE)
        vs.st.credit_updates_tx++;
    else if (op == VSOCK_OP_CREDIT_REQUEST)
        vs.st.credit_requests_tx++;
    return 0;
}

static int conn_tx(struct vsock_conn *c, uint16_t op, uint32_t flags)
{
    return tx_pkt(c, c->lport, c->pport, op, flags, 0, 0);
}

static struct vsock_conn *conn_lookup(uint32_t lport, uint32_t pport)
{
    for (int i = 0; i < MAX_CONNS; i++) {
        struct vsock_conn *c = &vs.conns[i];
        if (c->state != C_FREE && c->state != C_CLOSED && c->lport == lport && c->pport == pport)
            return c;
    }
    return 0;
}

static struct vsock_conn *conn_alloc(uint32_t lport, uint32_t pport)
{
    for (int i = 0; i < MAX_CONNS; i++) {
        struct vsock_conn *c = &vs.conns[i];
        if (c->state != C_FREE)
            continue;
        uint8_t *buf = kmalloc(CONN_BUF);
        if (!buf)
            return 0;
        memset(c, 0, sizeof *c);
        c->rx.buf = buf;
        c->rx.cap = CONN_BUF;
        c->lport = lport;
        c->pport = pport;
        c->state = C_CONNECTING;
        return c;
    }
    return 0;
}

static void conn_free(struct vsock_conn *c)
{
    kfree(c->rx.buf);
    memset(c, 0, sizeof *c); /* state C_FREE */
}

/* We reset c: RST to the peer, closed with `err`. */
static void conn_reset(struct vsock_conn *c, int err)
{
    conn_tx(c, VSOCK_OP_RST, 0);
    c->state = C_CLOSED;
    c->err = err;
}

static struct vsock_listener *listener_for(uint32_t port)
{
    for (int i = 0; i < MAX_LISTENERS; i++)
        if (vs.listeners[i].used && vs.listeners[i].port == port)
            return &vs.listeners[i];
    return 0;
}

static void rx_request(const struct vsock_hdr *h)
{
    struct vsock_listener *l = listener_for(h->dst_port);
    struct vsock_conn *c = 0;
    if (l && l->nback < BACKLOG)
        c = conn_alloc(h->dst_port, h->src_port);
    if (!c) {
        tx_pkt(0, h->dst_port, h->src_port, VSOCK_OP_RST, 0, 0, 0);
        return;
    }
    c->peer_buf_alloc = h->buf_alloc;
    c->peer_fwd_cnt = h->fwd_cnt;
    c->state = C_ESTABLISHED;
    c->in_backlog = 1;
    l->backlog[l->nback++] = c;
    conn_tx(c, VSOCK_OP_RESPONSE, 0);
}

static void rx_rw(struct vsock_conn *c, const uint8_t *data, uint32_t len)
{
    if (c->state == C_CLOSING || c->peer_no_send) {
        /* We no longer read (or the peer said it would not send): drop
         * the bytes but give the credit back. */
        c->rx_cnt += len;
        c->fwd_cnt += len;
        return;
    }
    if (c->state != C_ESTABLISHED)
        return;
    if (!vsock_rx_fits(CONN_BUF, c->rx_cnt, c->fwd_cnt, len)) {
        conn_reset(c, VSOCK_ERESET); /* the peer ignored our credit */
        return;
    }
    uint32_t n = vsock_ring_put(&c->rx, data, len);
    ASSERT(n == len); /* rx_fits implies room: ring len == rx_cnt - fwd_cnt */
    c->rx_cnt += len;
    vs.st.rx_bytes += len;
}

/* One packet the device wrote into an rx buffer of `used_len` bytes. */
static void rx_packet(const uint8_t *buf, uint32_t used_len)
{
    struct vsock_hdr h;
    if (used_len < VSOCK_HDR_LEN) {
        vs.st.dropped++;
        return;
    }
    vsock_hdr_decode(buf, &h);
    enum vsock_rx_verdict v = vsock_rx_check(&h, used_len, vs.cid);
    if (v != VSOCK_RX_OK) {
        vs.st.dropped++;
        /* A well-addressed packet we cannot handle: tell the peer. */
        if ((v == VSOCK_RX_TYPE || v == VSOCK_RX_OP) && h.op != VSOCK_OP_RST)
            tx_pkt(0, h.dst_port, h.src_port, VSOCK_OP_RST, 0, 0, 0);
        return;
    }
    vs.st.rx_pkts++;
    struct vsock_conn *c = conn_lookup(h.dst_port, h.src_port);
    if (!c) {
        if (h.op == VSOCK_OP_REQUEST)
            rx_request(&h);
        else if (h.op != VSOCK_OP_RST)
            tx_pkt(0, h.dst_port, h.src_port, VSOCK_OP_RST, 0, 0, 0);
        return;
    }
    /* Every packet carries the peer's credit. */
    if (c->peer_buf_alloc != h.buf_alloc || c->peer_fwd_cnt != h.fwd_cnt)
        c->credit_requested = 0;
    c->peer_buf_alloc = h.buf_alloc;
    c->peer_fwd_cnt = h.fwd_cnt;
    switch (h.op) {
    case VSOCK_OP_RESPONSE:
        if (c->state == C_CONNECTING)
            c->state = C_ESTABLISHED;
        else
            conn_reset(c, VSOCK_ERESET);
        break;
    case VSOCK_OP_RST:
        c->err = c->state == C_CONNECTING ? VSOCK_EREFUSED
                 : c->state == C_CLOSING  ? 0
                 : c->peer_no_send        ? 0
                                          : VSOCK_ERESET;
        c->state = C_CLOSED;
        break;
    case VSOCK_OP_SHUTDOWN:
        if (h.flags & VSOCK_SHUTDOWN_SEND)
            c->peer_no_send = 1;
        if (h.flags & VSOCK_SHUTDOWN_RCV)
            c->peer_no_rcv = 1;
        /* Fully shut and nothing left to read: done (as Linux does). */
        if (c->peer_no_send && c->peer_no_rcv && c->rx.len == 0 && c->state == C_ESTABLISHED)
            conn_reset(c, 0);
        break;
    case VSOCK_OP_RW:
        rx_rw(c, buf + VSOCK_HDR_LEN, h.len);
        break;
    case VSOCK_OP_CREDIT_REQUEST:
        if (c->state == C_ESTABLISHED)
            conn_tx(c, VSOCK_OP_CREDIT_UPDATE, 0);
        break;
    case VSOCK_OP_CREDIT_UPDATE:
        break; /* the credit fields were taken above */
    default:   /* REQUEST on an existing connection */
        conn_reset(c, VSOCK_ERESET);
        break;
    }
}

/* Processes everything the device returned; lock held.  Returns whether
 * anything happened. */
static int poll_locked(void)
{
    if (!vs.up || vs.broken)
        return 0;
    virtio_polling(&vs.vd);
    int progress = 0, reposted = 0;
    uint16_t before = vs.txq.num_free;
    reap_tx();
    if (vs.txq.num_free != before)
        progress = 1;
    uint16_t id;
    uint32_t len;
    int r = 0;
    /* At most one ring's worth per call, so a host that keeps sending
     * cannot keep us here forever. */
    for (int n = 0; n < vs.rxq.size && (r = virtq_get_used(&vs.rxq, &id, &len)) > 0; n++) {
        uint64_t pa = vs.rx_pa[id];
        rx_packet(P2V(pa), len);
        int d = virtq_add(&vs.rxq, pa, RX_BUF, VIRTQ_DESC_F_WRITE);
        if (d >= 0)
            vs.rx_pa[d] = pa;
        reposted = progress = 1;
    }
    if (r < 0)
        device_broken("rx");
    if (reposted)
        virtio_kick(&vs.rxq);
    return progress;
}

/* A blocking call's wait: the interrupt count read before the last poll
 * (include/wait.h), its deadline, and when traffic last moved (for the
 * polled fallback's yield-or-sleep choice). */
struct wait {
    uint64_t seen, deadline, last_progress;
};

/* Starts a wait of at most timeout_ns (~0: none) and polls; lock held. */
static void wait_start(struct wait *w, uint64_t timeout_ns)
{
    uint64_t now = now_ns();
    w->deadline = timeout_ns > ~0ULL - now ? ~0ULL : now + timeout_ns;
    w->last_progress = now;
    w->seen = waitq_seq(&vs.vd.wq);
    poll_locked();
}

static int wait_expired(const struct wait *w)
{
    return now_ns() >= w->deadline;
}

/* One step of a blocking wait, after the caller found its condition
 * false; lock held on entry and exit, dropped while sleeping. */
static void wait_step(struct wait *w)
{
    mutex_unlock(&vs.lock); /* still inside: it polls again before leaving */
    int irq =
        virtio_wait(&vs.vd, &vs.vd.wq, w->seen, w->deadline, now_ns() - w->last_progress < SPIN_NS);
    mutex_lock(&vs.lock);
    w->seen = waitq_seq(&vs.vd.wq);
    if (poll_locked()) {
        w->last_progress = now_ns();
        /* Work found by a timed-out wait: its interrupt was late or lost. */
        if (vs.vd.nvec && !irq)
            vs.st.late_polls++;
    }
}

static void service_thread(void *arg)
{
    (void)arg;
    while (!vs.broken) {
        uint64_t seen = waitq_seq(&vs.vd.idle_wq);
        vs_lock();
        poll_locked();
        vs_unlock();
        virtio_wait(&vs.vd, &vs.vd.idle_wq, seen, ~0ULL, 0);
    }
}

static int probe(void)
{
    struct pci_dev *p = pci_find(VIRTIO_VENDOR, VSOCK_PCI_DEVICE);
    if (!p)
        return VSOCK_ENODEV;
    if (virtio_pci_probe(&vs.vd, p)) {
        printk("vsock: %02x:%02x.%x: no usable virtio capabilities\n", p->bus, p->dev, p->fn);
        return VSOCK_ENODEV;
    }
    uint64_t feat = virtio_negotiate(&vs.vd, 1ULL << VIRTIO_F_VERSION_1);
    if (!feat) {
        printk("vsock: feature negotiation failed (VERSION_1 only)\n");
        return VSOCK_ENODEV;
    }
    vs.cid = virtio_cfg_read64(&vs.vd, 0) & 0xffffffffULL; /* guest_cid: 32 bits used */
    if (vs.cid < 3 || vs.cid == 0xffffffffULL) {
        printk("vsock: unusable guest cid %lu\n", vs.cid);
        virtio_reset(&vs.vd);
        return VSOCK_ENODEV;
    }
    if (virtio_setup_queue(&vs.vd, &vs.rxq, 0, QSIZE) ||
        virtio_setup_queue(&vs.vd, &vs.txq, 1, QSIZE)) {
        printk("vsock: queue setup failed\n");
        virtio_reset(&vs.vd);
        return VSOCK_ENODEV;
    }
    /* rx (bit 0) also wakes the service thread; tx only callers. */
    struct virtq *qs[] = {&vs.rxq, &vs.txq};
    virtio_route_queues(&vs.vd, qs, 2, 1u << 0);
    for (uint16_t i = 0; i < vs.txq.size; i++) {
        vs.tx_pa[i] = pmm_alloc_contig(TX_BUF / PAGE_SIZE);
        if (!vs.tx_pa[i])
            panic("vsock: out of memory for tx buffers");
    }
    /* Receive buffers go in before DRIVER_OK (no notification before it). */
    for (uint16_t i = 0; i < vs.rxq.size; i++) {
        uint64_t pa = pmm_alloc();
        int d = virtq_add(&vs.rxq, pa, RX_BUF, VIRTQ_DESC_F_WRITE);
        ASSERT(d >= 0);
        vs.rx_pa[d] = pa;
    }
    virtio_driver_ok(&vs.vd);
    uint8_t st = virtio_status(&vs.vd);
    if (st & (VIRTIO_S_FAILED | VIRTIO_S_NEEDS_RESET)) {
        printk("vsock: device status 0x%x after DRIVER_OK\n", st);
        return VSOCK_ENODEV;
    }
    virtio_kick(&vs.rxq);
    vs.up = 1;
    /* Every BAR is mapped at hhdm_base + its physical address. */
    char mode[64];
    virtio_mode(&vs.vd, mode, sizeof mode);
    printk("virtio-vsock: %02x:%02x.%x up (%s) cid %lu features 0x%lx common cfg at phys 0x%lx "
           "rxq %u txq %u\n",
           p->bus, p->dev, p->fn, mode, vs.cid, feat, (uint64_t)vs.vd.common - hhdm_base,
           vs.rxq.size, vs.txq.size);
    /* On CPU 0, where the interrupts arrive: its wake-up needs no IPI. */
    thread_create("vsock/svc", service_thread, 0, 0);
    return 0;
}

/* The device is started by its first user, not at boot: a kernel whose
 * app never uses vsock leaves it untouched (another driver, e.g. a test
 * playing one over qtest, may own it then). */
int vsock_init(void)
{
    static struct mutex init_lock = MUTEX_INIT;
    static int state; /* 0 not tried, 1 up, else the probe's error */
    if (__atomic_load_n(&state, __ATOMIC_ACQUIRE))
        return state == 1 ? 0 : state;
    mutex_lock(&init_lock);
    if (!state) {
        int r = probe();
        __atomic_store_n(&state, r == 0 ? 1 : r, __ATOMIC_RELEASE);
    }
    mutex_unlock(&init_lock);
    return state == 1 ? 0 : state;
}

int vsock_available(void)
{
    return vsock_init() == 0 && vs.up && !vs.broken;
}

uint64_t vsock_local_cid(void)
{
    return vs.cid;
}

struct vsock_listener *vsock_listen(uint32_t port)
{
    if (!vsock_available())
        return 0;
    struct vsock_listener *l = 0;
    vs_lock();
    if (!listener_for(port)) {
        for (int i = 0; i < MAX_LISTENERS && !l; i++) {
            if (!vs.listeners[i].used) {
                l = &vs.listeners[i];
                l->used = 1;
                l->port = port;
                l->nback = 0;
            }
        }
    }
    vs_unlock();
    return l;
}

static struct vsock_conn *pop_backlog(struct vsock_listener *l)
{
    struct vsock_conn *c = l->backlog[0];
    l->nback--;
    memmove(&l->backlog[0], &l->backlog[1], sizeof l->backlog[0] * (size_t)l->nback);
    c->in_backlog = 0;
    return c;
}

/* timeout_ns: 0 = do not wait, ~0 = forever. */
static struct vsock_conn *accept_wait(struct vsock_listener *l, uint64_t timeout_ns)
{
    if (!l)
        return 0;
    struct wait w;
    vs_lock();
    wait_start(&w, timeout_ns);
    while (!l->nback && !vs.broken && timeout_ns && !wait_expired(&w))
        wait_step(&w);
    struct vsock_conn *c = l->nback ? pop_backlog(l) : 0;
    vs_unlock();
    return c;
}

struct vsock_conn *vsock_accept(struct vsock_listener *l)
{
    return accept_wait(l, ~0ULL);
}

struct vsock_conn *vsock_accept_timeout(struct vsock_listener *l, uint64_t timeout_ns)
{
    return accept_wait(l, timeout_ns ? timeout_ns : 1);
}

struct vsock_conn *vsock_try_accept(struct vsock_listener *l)
{
    return accept_wait(l, 0);
}

struct vsock_conn *vsock_connect(uint32_t port, uint64_t timeout_ns, int *err)
{
    int e = 0;
    struct vsock_conn *c = 0;
    if (!vsock_available()) {
        e = VSOCK_ENODEV;
        goto out;
    }
    vs_lock();
    uint32_t lport = 0;
    for (int tries = 0; tries < 16384 && !lport; tries++) {
        uint32_t p = vs.next_port++;
        if (vs.next_port > 65535)
            vs.next_port = EPHEMERAL_FIRST;
        if (!conn_lookup(p, port) && !listener_for(p))
            lport = p;
    }
    c = lport ? conn_alloc(lport, port) : 0;
    if (!c) {
        vs_unlock();
        e = VSOCK_ENOMEM;
        goto out;
    }
    c->peer_buf_alloc = 0; /* no credit until the RESPONSE tells us */
    conn_tx(c, VSOCK_OP_REQUEST, 0);
    struct wait w;
    wait_start(&w, timeout_ns);
    while (c->state == C_CONNECTING && !vs.broken && !wait_expired(&w))
        wait_step(&w);
    if (c->state != C_ESTABLISHED) {
        e = c->state == C_CONNECTING ? VSOCK_ETIMEDOUT : c->err ? c->err : VSOCK_EREFUSED;
        if (c->state == C_CONNECTING)
            conn_tx(c, VSOCK_OP_RST, 0);
        conn_free(c);
        c = 0;
    }
    vs_unlock();
out:
    if (err)
        *err = e;
    return c;
}

long vsock_send(struct vsock_conn *c, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    size_t done = 0;
    long ret = 0;
    struct wait w;
    vs_lock();
    wait_start(&w, ~0ULL);
    while (done < len) {
        if (vs.broken) {
            ret = VSOCK_ENODEV;
            break;
        }
        if (c->state != C_ESTABLISHED || c->peer_no_rcv) {
            ret = c->err ? c->err : VSOCK_ENOTCONN;
            break;
        }
        uint32_t credit = vsock_peer_credit(c->peer_buf_alloc, c->peer_fwd_cnt, c->tx_cnt);
        if (credit == 0) {
            if (!c->credit_requested) {
                conn_tx(c, VSOCK_OP_CREDIT_REQUEST, 0);
                c->credit_requested = 1;
            }
            wait_step(&w);
            continue;
        }
        if (tx_slot(0) < 0) {
            wait_step(&w);
            continue;
        }
        uint32_t n = credit < TX_PAYLOAD ? credit : TX_PAYLOAD;
        if (n > len - done)
            n = (uint32_t)(len - done);
        if (tx_pkt(c, c->lport, c->pport, VSOCK_OP_RW, 0, p + done, n))
            continue;
        c->tx_cnt += n;
        done += n;
        w.last_progress = now_ns();
    }
    vs_unlock();
    return done == len ? (long)len : ret;
}

/* wait: block until data, EOF or error. */
static long recv_common(struct vsock_conn *c, void *buf, size_t len, int wait)
{
    long ret;
    struct wait w;
    vs_lock();
    wait_start(&w, ~0ULL);
    for (;;) {
        if (c->rx.len) {
            uint32_t want = len > c->rx.len ? c->rx.len : (uint32_t)len;
            uint32_t n = vsock_ring_get(&c->rx, buf, want);
            c->fwd_cnt += n;
            if (c->state == C_ESTABLISHED &&
                vsock_credit_update_due(CONN_BUF, c->fwd_cnt, c->last_fwd_sent))
                conn_tx(c, VSOCK_OP_CREDIT_UPDATE, 0);
            ret = n;
            break;
        }
        if (vs.broken) {
            ret = VSOCK_ENODEV;
            break;
        }
        if (c->state == C_CLOSED || c->state == C_CLOSING) {
            ret = c->err;
            break;
        }
        if (c->peer_no_send) {
            if (c->peer_no_rcv && c->state == C_ESTABLISHED)
                conn_reset(c, 0); /* drained a fully shut connection */
            ret = 0;
            break;
        }
        if (!wait) {
            ret = VSOCK_EAGAIN;
            break;
        }
        wait_step(&w);
    }
    vs_unlock();
    return ret;
}

long vsock_recv(struct vsock_conn *c, void *buf, size_t len)
{
    if (!len)
        return 0;
    return recv_common(c, buf, len, 1);
}

long vsock_try_recv(struct vsock_conn *c, void *buf, size_t len)
{
    if (!len)
        return 0;
    return recv_common(c, buf, len, 0);
}

void vsock_close(struct vsock_conn *c)
{
    if (!c)
        return;
    vs_lock();
    if (!vs.broken) {
        if (c->state == C_ESTABLISHED && c->peer_no_send && c->peer_no_rcv) {
            conn_reset(c, 0);
        } else if (c->state == C_ESTABLISHED) {
            conn_tx(c, VSOCK_OP_SHUTDOWN, VSOCK_SHUTDOWN_RCV | VSOCK_SHUTDOWN_SEND);
            c->state = C_CLOSING;
            struct wait w;
            wait_start(&w, CLOSE_WAIT_NS);
            while (c->state == C_CLOSING && !vs.broken && !wait_expired(&w))
                wait_step(&w);
            if (c->state == C_CLOSING)
                conn_reset(c, 0); /* the peer did not answer: reset it ourselves */
        } else if (c->state == C_CONNECTING) {
            conn_reset(c, 0);
        }
    }
    conn_free(c);
    vs_unlock();
}

void vsock_get_stats(struct vsock_stats *s)
{
    vs_lock();
    *s = vs.st;
    s->irqs = virtio_irq_count(&vs.vd);
    s->msix_vectors = (uint32_t)vs.vd.nvec;
    vs_unlock();
}
