/*
 * virtio-rng (virtio spec 5.4): one queue; the driver posts device-writable
 * buffers and the device fills them with entropy (used.len = bytes
 * written, checked against what was posted).
 *
 * This driver serves randomness after boot.  KASLR's share of the device
 * is read long before it, by kaslr/early_rng.c (legacy port I/O or MMIO
 * below 4 GiB, polled, before relocation), which resets the device so that
 * this driver finds it clean (docs/kaslr.md, "The early virtio-rng reader").
 *
 * Started on first use, one request at a time.  The queue signals through
 * MSI-X when the device has it (virtio_route_queues); the reader sleeps in
 * virtio_wait until the interrupt, and without MSI-X the same wait yields
 * between polls.  Either way a device silent for a second ends the read.
 */
#include "kernel.h"
#include "layout.h"
#include "mm.h"
#include "pci.h"
#include "sched.h"
#include "string.h"
#include "virtio.h"

#define RNG_MODERN       0x1044 /* virtio 1.x id 4 */
#define RNG_TRANSITIONAL 0x1005 /* QEMU's default on the root bus; has the modern caps too */
#define RNG_BUF          4096
#define RNG_TIMEOUT_NS   (1000 * 1000000ULL)

static struct {
    struct mutex lock;
    int state; /* 0 untried, 1 up, -1 none */
    struct virtio_dev vd;
    struct virtq q;
    uint64_t buf_pa;
} rng = {.lock = MUTEX_INIT};

static int probe(void)
{
    struct pci_dev *p = pci_find(VIRTIO_VENDOR, RNG_MODERN);
    if (!p)
        p = pci_find(VIRTIO_VENDOR, RNG_TRANSITIONAL);
    if (!p || virtio_pci_probe(&rng.vd, p))
        return -1;
    if (!virtio_negotiate(&rng.vd, 1ULL << VIRTIO_F_VERSION_1) ||
        virtio_setup_queue(&rng.vd, &rng.q, 0, 8)) {
        virtio_reset(&rng.vd);
        return -1;
    }
    struct virtq *qs[] = {&rng.q};
    virtio_route_queues(&rng.vd, qs, 1, 0);
    rng.buf_pa = pmm_alloc();
    virtio_driver_ok(&rng.vd);
    char mode[64];
    virtio_mode(&rng.vd, mode, sizeof mode);
    printk("virtio-rng: %02x:%02x.%x up (%s)\n", p->bus, p->dev, p->fn, mode);
    return 0;
}

/* Fills buf with up to len bytes of device entropy; returns the count (may
 * be short if the device stalls for a second), or -1 without a device. */
long virtio_rng_read(void *buf, size_t len)
{
    uint8_t *out = buf;
    size_t done = 0;
    mutex_lock(&rng.lock);
    if (!rng.state)
        rng.state = probe() == 0 ? 1 : -1;
    if (rng.state != 1) {
        mutex_unlock(&rng.lock);
        return -1;
    }
    while (done < len && !rng.q.broken) {
        uint32_t want = len - done < RNG_BUF ? (uint32_t)(len - done) : RNG_BUF;
        if (virtq_add(&rng.q, rng.buf_pa, want, VIRTQ_DESC_F_WRITE) < 0)
            break;
        virtio_kick(&rng.q);
        uint16_t id;
        uint32_t got = 0;
        int r;
        uint64_t deadline = now_ns() + RNG_TIMEOUT_NS;
        for (;;) {
            uint64_t seen = waitq_seq(&rng.vd.wq); /* before the check: include/wait.h */
            if ((r = virtq_get_used(&rng.q, &id, &got)) != 0 || now_ns() >= deadline)
                break;
            virtio_wait(&rng.vd, &rng.vd.wq, seen, deadline, 1);
        }
        if (r != 1) {
            /* Timed out (the buffer stays posted; the ring is given up) or broken. */
            rng.q.broken = 1;
            break;
        }
        memcpy(out + done, P2V(rng.buf_pa), got); /* got <= want: checked by virtq_get_used */
        done += got;
    }
    mutex_unlock(&rng.lock);
    return (long)done;
}

uint64_t virtio_rng_irqs(void)
{
    return rng.state == 1 ? virtio_irq_count(&rng.vd) : 0;
}
