/*
 * Early virtio-rng reader: a few bytes of device entropy for the KASLR
 * seed, read by kaslr_early() before the layout is chosen.
 *
 * The stage's constraints (kaslr/early.c): identity mapped (physical ==
 * virtual), not yet relocated (RIP-relative accesses only; the string
 * literals below are reached that way), no allocator, no interrupts, no
 * ECAM mapping.  Hence:
 *   - PCI configuration through the legacy ports 0xCF8/0xCFC, bus 0 only
 *     (QEMU q35 puts -device virtio-rng-pci on the root bus; a device
 *     behind a bridge is not seen here and is left to drivers/virtio_rng.c);
 *   - the transitional 1AF4:1005 (QEMU's default virtio-rng-pci) through
 *     its legacy virtio 0.9.5 I/O BAR0: no mapping needed at all;
 *   - the modern-only 1AF4:1044 through its MMIO capabilities, but only
 *     when they lie below 4 GiB, inside boot.S's identity map (2 MiB pages
 *     over the low 4 GiB); otherwise skipped with the reason;
 *   - one static ring and buffer in .bss (below 4 GiB: the image is
 *     loaded at 2 MiB), one request, polled against a TSC budget, then
 *     the device is reset (status 0) and its command register restored,
 *     so that drivers/virtio_rng.c later finds it as firmware left it.
 *
 * The ring logic and its checks on every device value (used index, id,
 * length) are drivers/virtq.c's; the queue size is checked in rng_ring.c.
 */
#include "kaslr.h"
#include "pci.h"
#include "printk.h"
#include "string.h"
#include "virtio.h"
#include "x86.h"

#define RNG_TRANSITIONAL 0x1005
#define RNG_MODERN       0x1044
#define RNG_WANT_QSIZE   8 /* one request needs one descriptor */
/* The TSC frequency is not known yet (calibration comes in kmain): 2^32
 * cycles is 1.2-4.3 s at 3.5-1 GHz.  QEMU answers in about 1-25 ms under
 * TCG, but its main loop (which fills the buffer) was seen taking 240 ms
 * on a host at load 16: the bound is generous so that a slow host does
 * not lose the entropy, and it still bounds what a silent device costs. */
#define TIMEOUT_CYCLES (1ULL << 32)

/* Legacy header in I/O BAR0 (virtio 0.9.5 / virtio 1.x section 4.1.4.8). */
#define L_GUEST_FEATURES 0x04
#define L_QUEUE_PFN      0x08
#define L_QUEUE_SIZE     0x0c
#define L_QUEUE_SEL      0x0e
#define L_QUEUE_NOTIFY   0x10
#define L_STATUS         0x12
#define L_HDR_SIZE       0x14

/* Modern common configuration (virtio 1.x section 4.1.4.3). */
#define C_DFSELECT  0x00
#define C_DF        0x04
#define C_GFSELECT  0x08
#define C_GF        0x0c
#define C_STATUS    0x14
#define C_Q_SELECT  0x16
#define C_Q_SIZE    0x18
#define C_Q_ENABLE  0x1c
#define C_Q_NOFF    0x1e
#define C_Q_DESC    0x20
#define C_Q_DRIVER  0x28
#define C_Q_DEVICE  0x30
#define C_LEN       0x38
#define CAP_COMMON  1
#define CAP_NOTIFY  2
#define CAP_MAX_LEN (1u << 20) /* a capability window larger than this is nonsense */

#define IDENTITY_TOP (4ULL << 30) /* boot.S maps [0, 4 GiB) */

static uint8_t ring_mem[3 * 4096] __attribute__((aligned(4096)));
static uint8_t rng_buf[EARLY_RNG_MAX] __attribute__((aligned(64)));
static struct virtq ringq;

struct early_dev {
    uint32_t bdf; /* bus 0: dev << 3 | fn */
    int modern;
    uint16_t io;              /* legacy: I/O BAR0 */
    volatile uint8_t *common; /* modern: common configuration */
    volatile uint16_t *notify;
};

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void cfg_select(uint32_t bdf, uint8_t off)
{
    outl(0xcf8, 0x80000000u | bdf << 8 | (off & 0xfc));
}

static uint32_t cfg_read32(uint32_t bdf, uint8_t off)
{
    cfg_select(bdf, off);
    return inl(0xcfc);
}

static uint16_t cfg_read16(uint32_t bdf, uint8_t off)
{
    return (uint16_t)(cfg_read32(bdf, off) >> (8 * (off & 2)));
}

static uint8_t cfg_read8(uint32_t bdf, uint8_t off)
{
    return (uint8_t)(cfg_read32(bdf, off) >> (8 * (off & 3)));
}

static void cfg_write32(uint32_t bdf, uint8_t off, uint32_t v)
{
    cfg_select(bdf, off);
    outl(0xcfc, v);
}

static void cfg_write16(uint32_t bdf, uint8_t off, uint16_t v)
{
    cfg_select(bdf, off);
    outw((uint16_t)(0xcfc + (off & 2)), v);
}

/* First virtio-rng function on bus 0, or -1. */
static int find_rng(uint32_t *bdf, uint16_t *device)
{
    for (uint32_t dev = 0; dev < 32; dev++) {
        for (uint32_t fn = 0; fn < 8; fn++) {
            uint32_t b = dev << 3 | fn;
            uint32_t id = cfg_read32(b, PCI_VENDOR_ID);
            if ((id & 0xffff) == 0xffff) {
                if (fn == 0)
                    break;
                continue;
            }
            uint16_t did = (uint16_t)(id >> 16);
            if ((id & 0xffff) == VIRTIO_VENDOR && (did == RNG_TRANSITIONAL || did == RNG_MODERN)) {
                *bdf = b;
                *device = did;
                return 0;
            }
            if (fn == 0 && !(cfg_read8(b, PCI_HEADER_TYPE) & 0x80))
                break;
        }
    }
    return -1;
}

static const char *legacy_start(struct early_dev *d)
{
    uint32_t bar = cfg_read32(d->bdf, PCI_BAR0);
    if (!(bar & 1))
        return "BAR0 is not an I/O BAR";
    uint32_t io = bar & ~3u;
    if (io == 0 || io + L_HDR_SIZE > 0x10000)
        return "I/O BAR0 not assigned";
    d->io = (uint16_t)io;
    outb((uint16_t)(io + L_STATUS), 0); /* reset */
    outb((uint16_t)(io + L_STATUS), VIRTIO_S_ACK);
    outb((uint16_t)(io + L_STATUS), VIRTIO_S_ACK | VIRTIO_S_DRIVER);
    outl((uint16_t)(io + L_GUEST_FEATURES), 0); /* none needed */
    outw((uint16_t)(io + L_QUEUE_SEL), 0);
    uint16_t n = inw((uint16_t)(io + L_QUEUE_SIZE));
    if (!rng_legacy_size_ok(n, sizeof ring_mem))
        return "queue size not a power of two fitting the static ring";
    memset(ring_mem, 0, sizeof ring_mem);
    virtq_init(&ringq, ring_mem, n, 0);
    ringq.used = (volatile struct virtq_used *)(ring_mem + rng_legacy_used_off(n));
    outl((uint16_t)(io + L_QUEUE_PFN), (uint32_t)((uint64_t)ring_mem >> 12));
    outb((uint16_t)(io + L_STATUS), VIRTIO_S_ACK | VIRTIO_S_DRIVER | VIRTIO_S_DRIVER_OK);
    return 0;
}

/* A memory BAR's address and size (sized with decoding off), or an error. */
static const char *mem_bar(uint32_t bdf, uint8_t bar, uint64_t *base, uint64_t *size)
{
    if (bar > 5)
        return "capability names no BAR";
    uint8_t reg = (uint8_t)(PCI_BAR0 + 4 * bar);
    uint32_t lo = cfg_read32(bdf, reg);
    if (lo & 1)
        return "capability in an I/O BAR";
    int is64 = ((lo >> 1) & 3) == 2;
    if (is64 && bar == 5)
        return "64-bit BAR5";
    uint32_t hi = is64 ? cfg_read32(bdf, (uint8_t)(reg + 4)) : 0;
    uint16_t cmd = cfg_read16(bdf, PCI_COMMAND);
    cfg_write16(bdf, PCI_COMMAND, (uint16_t)(cmd & ~PCI_CMD_MEM));
    cfg_write32(bdf, reg, 0xffffffffu);
    uint64_t mask = cfg_read32(bdf, reg) & ~0xfULL;
    cfg_write32(bdf, reg, lo);
    if (is64) {
        cfg_write32(bdf, (uint8_t)(reg + 4), 0xffffffffu);
        mask |= (uint64_t)cfg_read32(bdf, (uint8_t)(reg + 4)) << 32;
        cfg_write32(bdf, (uint8_t)(reg + 4), hi);
    } else {
        mask |= 0xffffffff00000000ULL;
    }
    cfg_write16(bdf, PCI_COMMAND, cmd);
    *base = ((uint64_t)hi << 32 | lo) & ~0xfULL;
    *size = ~mask + 1;
    if (!*base || mask == 0)
        return "memory BAR not assigned";
    return 0;
}

/* The address of [off, off+len) of the capability's BAR, checked against
 * the BAR's size and the identity map. */
static const char *cap_window(uint32_t bdf, uint8_t cap, uint32_t need, uint64_t *va,
                              uint32_t *len_out)
{
    uint64_t base, size;
    const char *why = mem_bar(bdf, cfg_read8(bdf, (uint8_t)(cap + 4)), &base, &size);
    if (why)
        return why;
    uint32_t off = cfg_read32(bdf, (uint8_t)(cap + 8));
    uint32_t len = cfg_read32(bdf, (uint8_t)(cap + 12));
    if (len < need || len > CAP_MAX_LEN || (uint64_t)off + len > size)
        return "capability window outside its BAR";
    if (base + off + len > IDENTITY_TOP || base + off + len < base)
        return "MMIO BAR above 4 GiB (outside the boot identity map)";
    *va = base + off;
    *len_out = len;
    return 0;
}

/* 64-bit fields of the common configuration, as two 32-bit writes (low
 * half first), which every transport accepts. */
static void write64(volatile uint8_t *p, uint64_t v)
{
    *(volatile uint32_t *)p = (uint32_t)v;
    *(volatile uint32_t *)(p + 4) = (uint32_t)(v >> 32);
}

static const char *modern_start(struct early_dev *d)
{
    uint64_t common = 0, notify = 0;
    uint32_t clen = 0, nlen = 0, mult = 0;
    if (!(cfg_read16(d->bdf, PCI_STATUS) & PCI_STATUS_CAP))
        return "no capability list";
    uint8_t cap = cfg_read8(d->bdf, PCI_CAP_PTR) & 0xfc;
    for (int i = 0; i < 48 && cap >= 0x40; i++) { /* bounded: a looping list ends */
        if (cfg_read8(d->bdf, cap) == PCI_CAP_VENDOR) {
            uint8_t type = cfg_read8(d->bdf, (uint8_t)(cap + 3));
            const char *why = 0;
            if (type == CAP_COMMON && !common)
                why = cap_window(d->bdf, cap, C_LEN, &common, &clen);
            else if (type == CAP_NOTIFY && !notify) {
                why = cap_window(d->bdf, cap, 2, &notify, &nlen);
                mult = cfg_read32(d->bdf, (uint8_t)(cap + 16));
            }
            if (why)
                return why;
        }
        cap = cfg_read8(d->bdf, (uint8_t)(cap + 1)) & 0xfc;
    }
    if (!common || !notify)
        return "no common/notify capability";
    volatile uint8_t *c = (volatile uint8_t *)common;
    d->common = c;
    c[C_STATUS] = 0; /* reset; the device acknowledges by reading back 0 */
    for (uint64_t t0 = rdtsc(); c[C_STATUS] != 0;)
        if (rdtsc() - t0 > TIMEOUT_CYCLES)
            return "reset not acknowledged";
    c[C_STATUS] = VIRTIO_S_ACK;
    c[C_STATUS] = VIRTIO_S_ACK | VIRTIO_S_DRIVER;
    *(volatile uint32_t *)(c + C_DFSELECT) = 1;
    if (!(*(volatile uint32_t *)(c + C_DF) & 1)) /* feature 32 */
        return "device without VERSION_1";
    *(volatile uint32_t *)(c + C_GFSELECT) = 0;
    *(volatile uint32_t *)(c + C_GF) = 0;
    *(volatile uint32_t *)(c + C_GFSELECT) = 1;
    *(volatile uint32_t *)(c + C_GF) = 1; /* VERSION_1 only */
    c[C_STATUS] = VIRTIO_S_ACK | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK;
    if (!(c[C_STATUS] & VIRTIO_S_FEATURES_OK))
        return "features refused";
    *(volatile uint16_t *)(c + C_Q_SELECT) = 0;
    uint16_t n =
        rng_modern_size(*(volatile uint16_t *)(c + C_Q_SIZE), RNG_WANT_QSIZE, sizeof ring_mem);
    if (!n)
        return "queue 0 unavailable";
    uint16_t qnoff = *(volatile uint16_t *)(c + C_Q_NOFF);
    uint64_t noff = (uint64_t)qnoff * mult;
    if (noff + 2 > nlen)
        return "notify offset outside its capability";
    d->notify = (volatile uint16_t *)(notify + noff);
    memset(ring_mem, 0, sizeof ring_mem);
    virtq_init(&ringq, ring_mem, n, 0);
    uint64_t pa = (uint64_t)ring_mem; /* identity mapped */
    *(volatile uint16_t *)(c + C_Q_SIZE) = n;
    write64(c + C_Q_DESC, pa);
    write64(c + C_Q_DRIVER, pa + virtq_avail_off(n));
    write64(c + C_Q_DEVICE, pa + virtq_used_off(n));
    *(volatile uint16_t *)(c + C_Q_ENABLE) = 1;
    c[C_STATUS] = VIRTIO_S_ACK | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK | VIRTIO_S_DRIVER_OK;
    return 0;
}

static void kick(struct early_dev *d)
{
    if (d->modern)
        *d->notify = 0;
    else
        outw((uint16_t)(d->io + L_QUEUE_NOTIFY), 0);
}

/* Status 0: the device forgets the ring (it must not write .bss later). */
static void reset(struct early_dev *d)
{
    if (d->modern && d->common) {
        d->common[C_STATUS] = 0;
        for (uint64_t t0 = rdtsc(); d->common[C_STATUS] != 0 && rdtsc() - t0 < TIMEOUT_CYCLES;)
            cpu_relax();
    } else if (!d->modern && d->io) {
        outb((uint16_t)(d->io + L_STATUS), 0);
    }
}

/* One device-writable buffer of len bytes; *got = what the device wrote. */
static const char *fetch(struct early_dev *d, uint32_t len, uint32_t *got)
{
    uint16_t id;
    int r;
    ringq.avail->flags = 1; /* VIRTQ_AVAIL_F_NO_INTERRUPT: we poll */
    if (virtq_add(&ringq, (uint64_t)rng_buf, len, VIRTQ_DESC_F_WRITE) < 0)
        return "ring full";
    kick(d);
    uint64_t t0 = rdtsc();
    while ((r = virtq_get_used(&ringq, &id, got)) == 0 && rdtsc() - t0 < TIMEOUT_CYCLES)
        cpu_relax();
    if (r == 0)
        return "timed out";
    if (r < 0)
        return "device broke the ring protocol";
    if (*got == 0) /* virtq_get_used checked id and *got <= len */
        return "device returned no bytes";
    return 0;
}

size_t early_rng_read(uint8_t *out, size_t len, char *note, size_t notelen)
{
    struct early_dev d = {0};
    uint16_t device;
    if (find_rng(&d.bdf, &device)) {
        snprintf(note, notelen, "none (no 1af4:1005/1044 on bus 0)");
        return 0;
    }
    d.modern = device == RNG_MODERN;
    if (len > EARLY_RNG_MAX)
        len = EARLY_RNG_MAX;
    uint32_t got = 0;
    const char *why = 0;
    uint16_t cmd = cfg_read16(d.bdf, PCI_COMMAND);
    if ((uint64_t)ring_mem + sizeof ring_mem > IDENTITY_TOP ||
        (uint64_t)rng_buf + sizeof rng_buf > IDENTITY_TOP)
        why = "static ring above 4 GiB"; /* cannot happen at 2 MiB; the PFN is 32 bits */
    else {
        /* Decoding and bus mastering (the device writes the ring and buffer). */
        cfg_write16(d.bdf, PCI_COMMAND,
                    (uint16_t)(cmd | PCI_CMD_MASTER | (d.modern ? PCI_CMD_MEM : 1)));
        why = d.modern ? modern_start(&d) : legacy_start(&d);
        if (!why)
            why = fetch(&d, (uint32_t)len, &got);
        reset(&d);
        cfg_write16(d.bdf, PCI_COMMAND, cmd);
    }
    if (why) {
        snprintf(note, notelen, "00:%02x.%x %s skipped: %s", d.bdf >> 3, d.bdf & 7,
                 d.modern ? "modern" : "legacy", why);
        return 0;
    }
    memcpy(out, rng_buf, got);
    memset(rng_buf, 0, sizeof rng_buf); /* the bytes live on only in the seed */
    if (d.modern)
        snprintf(note, notelen, "00:%02x.%x modern mmio=0x%lx bytes=%u", d.bdf >> 3, d.bdf & 7,
                 (uint64_t)d.common, got);
    else
        snprintf(note, notelen, "00:%02x.%x legacy io=0x%x bytes=%u", d.bdf >> 3, d.bdf & 7, d.io,
                 got);
    return got;
}
