/*
 * virtio 1.x over PCI (modern interface only) and split virtqueues.
 *
 * drivers/virtq.c is the pure ring logic (no MMIO, no allocation; also
 * built into the host unit tests); drivers/virtio_pci.c is the transport.
 */
#ifndef VIRTIO_H
#define VIRTIO_H
#include <stddef.h>
#include <stdint.h>
#include "pci.h"
#include "wait.h"

#define VIRTIO_VENDOR 0x1af4

/* Device status bits. */
#define VIRTIO_S_ACK         1
#define VIRTIO_S_DRIVER      2
#define VIRTIO_S_DRIVER_OK   4
#define VIRTIO_S_FEATURES_OK 8
#define VIRTIO_S_NEEDS_RESET 0x40
#define VIRTIO_S_FAILED      0x80

#define VIRTIO_F_VERSION_1 32

/* Descriptor flags. */
#define VIRTQ_DESC_F_NEXT  1
#define VIRTQ_DESC_F_WRITE 2
/* used->flags: the device does not want notifications. */
#define VIRTQ_USED_F_NO_NOTIFY 1

#define VIRTQ_MAX 256 /* our largest queue (the device may offer more) */

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
};
struct virtq_used_elem {
    uint32_t id;
    uint32_t len;
};
struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[];
};

/*
 * The driver side of one split ring.  Every chain is a single descriptor
 * (our buffers are physically contiguous), so "head" == descriptor index.
 * A descriptor is in flight between virtq_add and the used element that
 * returns it; inflight[] catches a device returning an id twice or one we
 * never gave it.
 */
struct virtq {
    uint16_t size; /* power of two, <= VIRTQ_MAX */
    uint16_t qindex;
    struct virtq_desc *desc;
    volatile struct virtq_avail *avail;
    volatile struct virtq_used *used;
    uint16_t avail_idx; /* our copy of avail->idx (we are its only writer) */
    uint16_t last_used; /* next used element to consume */
    uint16_t num_free;
    uint16_t free_head;
    uint16_t next_free[VIRTQ_MAX];
    uint32_t buf_len[VIRTQ_MAX]; /* length posted, to bound the device's used.len */
    uint8_t inflight[VIRTQ_MAX];
    volatile uint16_t *notify; /* transport: where to write qindex */
    int broken;                /* the device broke the ring protocol: stop using it */
};

/* Bytes needed for a ring of `size`, and the offsets inside it (desc at 0,
 * avail after it, used 4-aligned after avail).  One contiguous block. */
uint64_t virtq_bytes(uint16_t size);
void virtq_init(struct virtq *q, void *mem, uint16_t size, uint16_t qindex);
uint64_t virtq_avail_off(uint16_t size);
uint64_t virtq_used_off(uint16_t size);
/* Posts one buffer (physical address); returns its descriptor index or -1
 * when the ring is full.  Publishes avail->idx with release ordering. */
int virtq_add(struct virtq *q, uint64_t pa, uint32_t len, uint16_t flags);
/* Takes the next used element: 1 and (*id, *len) if there was one, 0 if
 * none, -1 if the device broke the protocol (q->broken is then set): more
 * pending elements than the ring size, an id out of range or not in
 * flight, or a length above what was posted. */
int virtq_get_used(struct virtq *q, uint16_t *id, uint32_t *len);
/* Index virtq_add will use next (to fill its buffer first), or -1. */
int virtq_next_free(const struct virtq *q);
/* Whether the device wants a notification now (after a full fence). */
int virtq_needs_notify(const struct virtq *q);

/* Transport (drivers/virtio_pci.c). */
#define VIRTIO_MAX_VEC 4 /* MSI-X entries per device we use (one per queue) */

struct virtio_dev;
/* One MSI-X entry: its IDT vector and how many interrupts it took. */
struct virtio_vec {
    struct virtio_dev *vd;
    uint64_t irqs;  /* incremented by the handler only */
    int vector;     /* IDT vector */
    int wakes_idle; /* also wakes idle_wq when nobody waits on wq */
};

struct virtio_dev {
    struct pci_dev *pci;
    volatile uint8_t *common;
    volatile uint8_t *notify_base;
    volatile uint8_t *isr;
    volatile uint8_t *devcfg;
    uint32_t notify_mult;
    uint32_t notify_len, devcfg_len;
    /* Interrupts (virtio_route_queues): nvec MSI-X entries in use, 0 when
     * the device is polled (polled_why says why). */
    struct pci_msix msix;
    int nvec;
    const char *polled_why;
    struct virtio_vec vec[VIRTIO_MAX_VEC];
    /* Every interrupt wakes the threads waiting on wq (virtio_wait); a
     * driver's service thread waits on idle_wq, which an interrupt wakes
     * only when no thread is inside the driver (virtio_enter/leave): one
     * that is inside polls before it leaves or sleeps on wq. */
    struct waitq wq, idle_wq;
    int inside;           /* threads between virtio_enter and virtio_leave */
    uint64_t idle_polled; /* idle_wq's count when the last poll began */
};
/* Maps the capabilities (common, notify, ISR, device config). 0 or -1. */
int virtio_pci_probe(struct virtio_dev *vd, struct pci_dev *p);
/* Reset, ACK, DRIVER, offer `want` & device features, FEATURES_OK.
 * Returns the accepted features, or 0 with status FAILED if refused. */
uint64_t virtio_negotiate(struct virtio_dev *vd, uint64_t want);
/* Allocates and enables queue `qindex` with at most `max_size` entries. */
int virtio_setup_queue(struct virtio_dev *vd, struct virtq *q, uint16_t qindex, uint16_t max_size);
/* Interrupts for the queues qs[0..n-1] (already set up, before
 * DRIVER_OK): maps the MSI-X table, gives queue i entry i (entries are
 * shared when the table is smaller), one IDT vector each aimed at CPU 0,
 * enables MSI-X, and writes queue_msix_vector reading it back.  Interrupts
 * of queue i also wake idle_wq if bit i of idle_mask is set.  If anything
 * is missing or the device answers NO_VECTOR, every queue goes back to
 * NO_VECTOR + VIRTQ_AVAIL_F_NO_INTERRUPT and the device is polled: returns
 * vd->nvec (0 = polled, vd->polled_why set). */
int virtio_route_queues(struct virtio_dev *vd, struct virtq **qs, int n, unsigned idle_mask);
/* The one wait of a driver thread for its device (q: &vd->wq, or
 * &vd->idle_wq for a service thread): with MSI-X, sleeps until an
 * interrupt after `seen` (waitq_seq(q), read before the rings were
 * checked), `deadline` (now_ns) or a 100 ms safety net, whichever comes
 * first; polled, yields (`busy`: traffic is flowing) or sleeps one tick.
 * The caller re-polls afterwards in both cases.  1 if an interrupt ended
 * the wait, 0 if a deadline or the safety net did (or polled mode). */
int virtio_wait(struct virtio_dev *vd, struct waitq *q, uint64_t seen, uint64_t deadline, int busy);
/* A driver thread calls virtio_enter before it takes the driver's lock
 * and virtio_leave after it released it; virtio_polling (lock held) as
 * each poll of the rings begins.  The last thread to leave wakes idle_wq
 * if an interrupt for it came after the last poll began, so the service
 * thread is not woken (and does not fight for the lock) while a caller
 * is inside, and no interrupt goes unhandled when the last one leaves. */
void virtio_enter(struct virtio_dev *vd);
void virtio_leave(struct virtio_dev *vd);
void virtio_polling(struct virtio_dev *vd);
/* "msix vectors N" or "polled: <why>", for the driver's boot line. */
void virtio_mode(const struct virtio_dev *vd, char *buf, size_t len);
/* Interrupts taken by all of the device's entries. */
uint64_t virtio_irq_count(const struct virtio_dev *vd);
void virtio_driver_ok(struct virtio_dev *vd);
void virtio_reset(struct virtio_dev *vd);
uint8_t virtio_status(struct virtio_dev *vd);
/* Notifies the device about queue q if it asked to be notified. */
void virtio_kick(struct virtq *q);
/* virtio-rng (drivers/virtio_rng.c): up to len bytes of device entropy
 * (started on first use); the count, or -1 without a device. */
long virtio_rng_read(void *buf, size_t len);
/* Its interrupts so far (0 when polled or not started). */
uint64_t virtio_rng_irqs(void);

/* Device-specific config, 64 bits at `off` (0 if outside the block). */
uint64_t virtio_cfg_read64(struct virtio_dev *vd, uint32_t off);
#endif
