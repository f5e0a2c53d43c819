/*
 * virtio 1.x PCI transport, modern interface only (virtio spec 4.1).
 *
 * The device exposes its register blocks through vendor capabilities
 * (id 0x09) naming a BAR and an offset: COMMON (1), NOTIFY (2), ISR (3),
 * DEVICE (4).  QEMU puts them all in BAR 4.  Each block is bounds-checked
 * against the BAR size before use.
 *
 * Interrupts: a queue is set up polled (VIRTQ_AVAIL_F_NO_INTERRUPT, no
 * MSI-X vector); virtio_route_queues then gives the queues MSI-X entries
 * if the device has them and takes them.  The handler only counts and
 * wakes the threads waiting in virtio_wait, which poll the rings
 * themselves; nothing else runs in interrupt context.  Without MSI-X the
 * same waits poll (yield or a tick's sleep), so a driver has one wait
 * path either way.
 */
#include "kernel.h"
#include "idt.h"
#include "layout.h"
#include "mm.h"
#include "pci.h"
#include "percpu.h"
#include "sched.h"
#include "string.h"
#include "virtio.h"
#include "x86.h"

enum { CAP_COMMON = 1, CAP_NOTIFY = 2, CAP_ISR = 3, CAP_DEVICE = 4 };

/* Common configuration layout. */
#define C_DFSELECT   0x00
#define C_DF         0x04
#define C_GFSELECT   0x08
#define C_GF         0x0c
#define C_MSIX       0x10
#define C_NUMQ       0x12
#define C_STATUS     0x14
#define C_GEN        0x15
#define C_Q_SELECT   0x16
#define C_Q_SIZE     0x18
#define C_Q_MSIX     0x1a
#define C_Q_ENABLE   0x1c
#define C_Q_NOFF     0x1e
#define C_Q_DESC     0x20
#define C_Q_AVAIL    0x28
#define C_Q_USED     0x30
#define COMMON_BYTES 0x38

#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTIO_MSI_NO_VECTOR       0xffff
/* With MSI-X a waiter still re-polls this often: a safety net against a
 * lost interrupt, not a polling rate. */
#define IRQ_SAFETY_NS (100 * 1000000ULL)

static inline void w8(struct virtio_dev *vd, uint32_t off, uint8_t v)
{
    *(volatile uint8_t *)(vd->common + off) = v;
}
static inline void w16(struct virtio_dev *vd, uint32_t off, uint16_t v)
{
    *(volatile uint16_t *)(vd->common + off) = v;
}
static inline void w32(struct virtio_dev *vd, uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)(vd->common + off) = v;
}
/* 64-bit fields as two 32-bit writes, low first (allowed by the spec). */
static inline void w64(struct virtio_dev *vd, uint32_t off, uint64_t v)
{
    w32(vd, off, (uint32_t)v);
    w32(vd, off + 4, (uint32_t)(v >> 32));
}
static inline uint8_t r8(struct virtio_dev *vd, uint32_t off)
{
    return *(volatile uint8_t *)(vd->common + off);
}
static inline uint16_t r16(struct virtio_dev *vd, uint32_t off)
{
    return *(volatile uint16_t *)(vd->common + off);
}
static inline uint32_t r32(struct virtio_dev *vd, uint32_t off)
{
    return *(volatile uint32_t *)(vd->common + off);
}

int virtio_pci_probe(struct virtio_dev *vd, struct pci_dev *p)
{
    memset(vd, 0, sizeof *vd);
    vd->pci = p;
    vd->polled_why = "not routed";
    struct waitq empty = WAITQ_INIT;
    vd->wq = empty;
    vd->idle_wq = empty;
    volatile uint8_t *bars[6] = {0};
    uint64_t barsz[6] = {0};
    for (uint8_t c = pci_find_cap(p, PCI_CAP_VENDOR, 0); c;
         c = pci_find_cap(p, PCI_CAP_VENDOR, c)) {
        uint8_t type = pci_read8(p, c + 3u);
        uint8_t bar = pci_read8(p, c + 4u);
        uint32_t off = pci_read32(p, c + 8u);
        uint32_t len = pci_read32(p, c + 12u);
        if (type < CAP_COMMON || type > CAP_DEVICE || bar > 5)
            continue; /* PCI_CFG (5) and unknown types are not used */
        if (!bars[bar]) {
            bars[bar] = pci_map_bar(p, bar, &barsz[bar]);
            if (!bars[bar])
                continue;
        }
        if ((uint64_t)off + len > barsz[bar])
            continue; /* points outside its BAR */
        volatile uint8_t *a = bars[bar] + off;
        switch (type) {
        case CAP_COMMON:
            if (!vd->common && len >= COMMON_BYTES)
                vd->common = a;
            break;
        case CAP_NOTIFY:
            if (!vd->notify_base && len >= 2) {
                vd->notify_base = a;
                vd->notify_len = len;
                vd->notify_mult = pci_read32(p, c + 16u);
            }
            break;
        case CAP_ISR:
            if (!vd->isr && len >= 1)
                vd->isr = a;
            break;
        case CAP_DEVICE:
            if (!vd->devcfg) {
                vd->devcfg = a;
                vd->devcfg_len = len;
            }
            break;
        }
    }
    if (!vd->common || !vd->notify_base)
        return -1;
    pci_enable(p);
    return 0;
}

void virtio_reset(struct virtio_dev *vd)
{
    w8(vd, C_STATUS, 0);
    /* The reset is complete when status reads back 0 (spec 4.1.4.3.2). */
    for (int i = 0; i < 1000000 && r8(vd, C_STATUS); i++)
        cpu_relax();
}

uint8_t virtio_status(struct virtio_dev *vd)
{
    return r8(vd, C_STATUS);
}

uint64_t virtio_negotiate(struct virtio_dev *vd, uint64_t want)
{
    virtio_reset(vd);
    w8(vd, C_STATUS, VIRTIO_S_ACK);
    w8(vd, C_STATUS, VIRTIO_S_ACK | VIRTIO_S_DRIVER);
    w32(vd, C_DFSELECT, 0);
    uint64_t have = r32(vd, C_DF);
    w32(vd, C_DFSELECT, 1);
    have |= (uint64_t)r32(vd, C_DF) << 32;
    uint64_t got = have & want;
    w32(vd, C_GFSELECT, 0);
    w32(vd, C_GF, (uint32_t)got);
    w32(vd, C_GFSELECT, 1);
    w32(vd, C_GF, (uint32_t)(got >> 32));
    w8(vd, C_STATUS, VIRTIO_S_ACK | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK);
    if (!(r8(vd, C_STATUS) & VIRTIO_S_FEATURES_OK) || !(got & (1ULL << VIRTIO_F_VERSION_1))) {
        w8(vd, C_STATUS, VIRTIO_S_FAILED);
        return 0;
    }
    return got;
}

int virtio_setup_queue(struct virtio_dev *vd, struct virtq *q, uint16_t qindex, uint16_t max_size)
{
    if (qindex >= r16(vd, C_NUMQ))
        return -1;
    w16(vd, C_Q_SELECT, qindex);
    uint16_t size = r16(vd, C_Q_SIZE);
    if (size == 0)
        return -1;
    if (size > max_size)
        size = max_size;
    if (size > VIRTQ_MAX)
        size = VIRTQ_MAX;
    /* A power of two (split rings index with & (size - 1)). */
    while (size & (size - 1))
        size &= (uint16_t)(size - 1);
    uint64_t pages = ALIGN_UP(virtq_bytes(size), PAGE_SIZE) / PAGE_SIZE;
    uint64_t pa = pmm_alloc_contig(pages); /* zeroed */
    if (!pa)
        return -1;
    virtq_init(q, P2V(pa), size, qindex);
    q->avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
    uint16_t noff = r16(vd, C_Q_NOFF);
    uint64_t at = (uint64_t)noff * vd->notify_mult;
    if (at + 2 > vd->notify_len)
        return -1;
    q->notify = (volatile uint16_t *)(vd->notify_base + at);
    w16(vd, C_Q_SIZE, size);
    w16(vd, C_Q_MSIX, VIRTIO_MSI_NO_VECTOR);
    w64(vd, C_Q_DESC, pa);
    w64(vd, C_Q_AVAIL, pa + virtq_avail_off(size));
    w64(vd, C_Q_USED, pa + virtq_used_off(size));
    w16(vd, C_Q_ENABLE, 1);
    return 0;
}

/* Interrupt handler of one MSI-X entry (interrupts off, EOI done). */
static void virtio_irq(void *arg)
{
    struct virtio_vec *v = arg;
    struct virtio_dev *vd = v->vd;
    __atomic_add_fetch(&v->irqs, 1, __ATOMIC_RELAXED);
    int waiters = waitq_wake_all(&vd->wq);
    if (!v->wakes_idle)
        return;
    /* Count first, then look at `inside` (virtio_leave does the reverse):
     * either the last leaver sees the count or we see inside == 0. */
    waitq_bump(&vd->idle_wq);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!waiters && !__atomic_load_n(&vd->inside, __ATOMIC_SEQ_CST))
        waitq_wake_all(&vd->idle_wq);
}

void virtio_enter(struct virtio_dev *vd)
{
    __atomic_add_fetch(&vd->inside, 1, __ATOMIC_SEQ_CST);
}

void virtio_leave(struct virtio_dev *vd)
{
    if (__atomic_sub_fetch(&vd->inside, 1, __ATOMIC_SEQ_CST) == 0 &&
        waitq_seq(&vd->idle_wq) != __atomic_load_n(&vd->idle_polled, __ATOMIC_ACQUIRE))
        waitq_wake_all(&vd->idle_wq);
}

void virtio_polling(struct virtio_dev *vd)
{
    __atomic_store_n(&vd->idle_polled, waitq_seq(&vd->idle_wq), __ATOMIC_RELEASE);
}

/* Every queue back to polling; MSI-X off. */
static void route_none(struct virtio_dev *vd, struct virtq **qs, int n, const char *why)
{
    for (int i = 0; i < n; i++) {
        w16(vd, C_Q_SELECT, qs[i]->qindex);
        w16(vd, C_Q_MSIX, VIRTIO_MSI_NO_VECTOR);
        qs[i]->avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
    }
    if (vd->nvec)
        pci_msix_enable(vd->pci, &vd->msix, 0);
    vd->nvec = 0;
    vd->polled_why = why;
}

int virtio_route_queues(struct virtio_dev *vd, struct virtq **qs, int n, unsigned idle_mask)
{
    const char *why;
    if (n < 1 || n > VIRTIO_MAX_VEC) {
        route_none(vd, qs, n, "too many queues");
        return 0;
    }
    if ((why = pci_msix_map(vd->pci, &vd->msix))) {
        route_none(vd, qs, n, why);
        return 0;
    }
    int nvec = n < vd->msix.size ? n : vd->msix.size;
    for (int e = 0; e < nvec; e++) {
        struct virtio_vec *v = &vd->vec[e];
        v->vd = vd;
        v->wakes_idle = 0;
        for (int i = e; i < n; i += nvec) /* queues sharing entry e */
            if (idle_mask & (1u << i))
                v->wakes_idle = 1;
        if (!v->vector)
            v->vector = idt_alloc_vector(virtio_irq, v); /* kept for the device's life */
        if (v->vector < 0) {
            v->vector = 0;
            route_none(vd, qs, n, "no free interrupt vector");
            return 0;
        }
        pci_msix_set(&vd->msix, (uint16_t)e, percpu_area[0].apic_id, (uint8_t)v->vector);
    }
    pci_msix_enable(vd->pci, &vd->msix, 1);
    vd->nvec = nvec;
    /* No configuration-change interrupts: nothing here reacts to them. */
    w16(vd, C_MSIX, VIRTIO_MSI_NO_VECTOR);
    for (int i = 0; i < n; i++) {
        uint16_t e = (uint16_t)(i % nvec);
        w16(vd, C_Q_SELECT, qs[i]->qindex);
        w16(vd, C_Q_MSIX, e);
        /* The device answers NO_VECTOR if it could not take the entry. */
        if (r16(vd, C_Q_MSIX) != e) {
            route_none(vd, qs, n, "device refused the msi-x vector");
            return 0;
        }
    }
    for (int i = 0; i < n; i++)
        qs[i]->avail->flags = 0; /* interrupts wanted */
    vd->polled_why = 0;
    return nvec;
}

int virtio_wait(struct virtio_dev *vd, struct waitq *q, uint64_t seen, uint64_t deadline, int busy)
{
    if (vd->nvec) {
        uint64_t safety = now_ns() + IRQ_SAFETY_NS;
        return waitq_wait(q, seen, deadline < safety ? deadline : safety);
    } else if (busy) {
        sched_yield();
    } else {
        thread_sleep_ns(1000000); /* rounds up to one scheduler tick */
    }
    return 0;
}

void virtio_mode(const struct virtio_dev *vd, char *buf, size_t len)
{
    if (vd->nvec)
        snprintf(buf, len, "msix vectors %d", vd->nvec);
    else
        snprintf(buf, len, "polled: %s", vd->polled_why);
}

uint64_t virtio_irq_count(const struct virtio_dev *vd)
{
    uint64_t n = 0;
    for (int e = 0; e < VIRTIO_MAX_VEC; e++)
        n += __atomic_load_n(&vd->vec[e].irqs, __ATOMIC_RELAXED);
    return n;
}

void virtio_driver_ok(struct virtio_dev *vd)
{
    w8(vd, C_STATUS, r8(vd, C_STATUS) | VIRTIO_S_DRIVER_OK);
}

void virtio_kick(struct virtq *q)
{
    if (virtq_needs_notify(q))
        *q->notify = q->qindex;
}

uint64_t virtio_cfg_read64(struct virtio_dev *vd, uint32_t off)
{
    if (!vd->devcfg || off + 8 > vd->devcfg_len)
        return 0;
    /* Both halves from one config generation (no torn read). */
    uint32_t lo, hi;
    uint8_t g;
    int tries = 0;
    do { /* bounded: a device that keeps changing its config gets the last read */
        g = r8(vd, C_GEN);
        lo = *(volatile uint32_t *)(vd->devcfg + off);
        hi = *(volatile uint32_t *)(vd->devcfg + off + 4);
    } while (g != r8(vd, C_GEN) && ++tries < 100);
    return ((uint64_t)hi << 32) | lo;
}
