/*
 * PCI configuration space through ECAM (q35).
 *
 * The ECAM window comes from the ACPI MCFG table (RSDP -> XSDT/RSDT ->
 * "MCFG"), which QEMU's q35 always provides; if it is missing we fall back
 * to q35's default 0xB0000000 (buses 0-255) and say so.  The window is
 * below 4 GiB, where the direct map covers every physical address, so
 * config space is reached through P2V.  The direct map uses write-back PTEs;
 * MMIO below 4 GiB is uncached because the firmware's MTRRs mark the PCI
 * hole UC (SeaBIOS does; TCG ignores cache attributes anyway).  BARs above
 * the direct map's top get their own uncached (PCD) 4 KiB mappings at
 * hhdm_base + pa.
 *
 * Enumeration starts at the first MCFG bus and follows PCI-to-PCI bridges
 * (class 0x0604) to their secondary buses, instead of probing all 256
 * buses: every probe of an empty slot is an MMIO exit under TCG.  Devices
 * are kept in a small static table.
 */
#include "kernel.h"
#include "acpi.h"
#include "bootinfo.h"
#include "layout.h"
#include "mm.h"
#include "pci.h"
#include "pt.h"
#include "string.h"

#define Q35_ECAM_DEFAULT 0xb0000000UL

static uint64_t ecam_pa;
static uint8_t bus_start, bus_end;
static struct pci_dev devs[PCI_MAX_DEVS];
static int ndevs;

/* MCFG: 36-byte header, 8 reserved bytes, then 16-byte entries
 * {u64 base, u16 segment, u8 bus_start, u8 bus_end, u32 reserved}.
 * We use the entry for segment 0. */
static int ecam_from_mcfg(void)
{
    const struct acpi_sdt *m = acpi_find_table("MCFG");
    if (!m || m->len < sizeof *m + 8 + 16)
        return 0;
    const uint8_t *e = (const uint8_t *)m + sizeof *m + 8;
    const uint8_t *end = (const uint8_t *)m + m->len;
    for (; e + 16 <= end; e += 16) {
        uint64_t base = *(const uint64_t *)e;
        uint16_t seg = *(const uint16_t *)(e + 8);
        if (seg != 0 || e[10] > e[11])
            continue;
        /* Must lie where the direct map surely reaches (below 4 GiB). */
        if (base >= (4UL << 30) || base + ((uint64_t)(e[11] + 1) << 20) > (4UL << 30))
            continue;
        ecam_pa = base;
        bus_start = e[10];
        bus_end = e[11];
        return 1;
    }
    return 0;
}

static volatile uint8_t *cfg(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t off)
{
    uint64_t a = ecam_pa + ((uint64_t)(bus - bus_start) << 20) + ((uint64_t)dev << 15) +
                 ((uint64_t)fn << 12) + (off & 0xfff);
    return (volatile uint8_t *)P2V(a);
}

uint8_t pci_read8(const struct pci_dev *d, uint32_t off)
{
    return *cfg(d->bus, d->dev, d->fn, off);
}
uint16_t pci_read16(const struct pci_dev *d, uint32_t off)
{
    return *(volatile uint16_t *)cfg(d->bus, d->dev, d->fn, off & ~1u);
}
uint32_t pci_read32(const struct pci_dev *d, uint32_t off)
{
    return *(volatile uint32_t *)cfg(d->bus, d->dev, d->fn, off & ~3u);
}
void pci_write16(const struct pci_dev *d, uint32_t off, uint16_t v)
{
    *(volatile uint16_t *)cfg(d->bus, d->dev, d->fn, off & ~1u) = v;
}
void pci_write32(const struct pci_dev *d, uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)cfg(d->bus, d->dev, d->fn, off & ~3u) = v;
}

static void add_fn(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t id)
{
    if (ndevs == PCI_MAX_DEVS)
        return;
    struct pci_dev *d = &devs[ndevs++];
    d->bus = bus;
    d->dev = dev;
    d->fn = fn;
    d->vendor = (uint16_t)id;
    d->device = (uint16_t)(id >> 16);
    d->class_rev = pci_read32(d, PCI_CLASS_REV);
    printk("pci: %02x:%02x.%x %04x:%04x class 0x%06x\n", bus, dev, fn, d->vendor, d->device,
           d->class_rev >> 8);
}

static void scan_bus(uint8_t bus, int depth)
{
    if (bus < bus_start || bus > bus_end || depth > 8)
        return;
    for (uint8_t dev = 0; dev < 32; dev++) {
        for (uint8_t fn = 0; fn < 8; fn++) {
            uint32_t id = *(volatile uint32_t *)cfg(bus, dev, fn, 0);
            if ((id & 0xffff) == 0xffff) {
                if (fn == 0)
                    break; /* no device */
                continue;
            }
            add_fn(bus, dev, fn, id);
            uint8_t htype = *cfg(bus, dev, fn, PCI_HEADER_TYPE);
            uint32_t cls = *(volatile uint32_t *)cfg(bus, dev, fn, PCI_CLASS_REV) >> 16;
            uint8_t secondary = *cfg(bus, dev, fn, 0x19);
            if ((htype & 0x7f) == 1 && cls == 0x0604 && secondary > bus)
                scan_bus(secondary, depth + 1);
            /* Single-function device: functions 1-7 may alias function 0. */
            if (fn == 0 && !(htype & 0x80))
                break;
        }
    }
}

void pci_init(void)
{
    if (ecam_from_mcfg()) {
        printk("pci: ecam 0x%lx buses %u-%u (ACPI MCFG)\n", ecam_pa, bus_start, bus_end);
    } else {
        ecam_pa = Q35_ECAM_DEFAULT;
        bus_start = 0;
        bus_end = 255;
        printk("pci: no ACPI MCFG; assuming the q35 default ecam 0x%lx\n", ecam_pa);
    }
    scan_bus(bus_start, 0);
    printk("pci: %d functions\n", ndevs);
}

struct pci_dev *pci_find(uint16_t vendor, uint16_t device)
{
    for (int i = 0; i < ndevs; i++)
        if (devs[i].vendor == vendor && devs[i].device == device)
            return &devs[i];
    return 0;
}

int pci_bar(const struct pci_dev *d, int i, uint64_t *pa, uint64_t *size)
{
    if (i < 0 || i > 5)
        return -1;
    uint32_t off = PCI_BAR0 + 4 * (uint32_t)i;
    uint32_t lo = pci_read32(d, off);
    if (lo & 1)
        return -1; /* I/O space */
    int is64 = ((lo >> 1) & 3) == 2;
    if (is64 && i == 5)
        return -1;
    uint32_t hi = is64 ? pci_read32(d, off + 4) : 0;
    /* Size: write all ones with decoding off (so the device does not
     * briefly answer at a bogus address), read the mask back, restore. */
    uint16_t cmd = pci_read16(d, PCI_COMMAND);
    pci_write16(d, PCI_COMMAND, cmd & (uint16_t)~PCI_CMD_MEM);
    pci_write32(d, off, 0xffffffff);
    uint64_t mask = pci_read32(d, off) & ~0xfu;
    pci_write32(d, off, lo);
    if (is64) {
        pci_write32(d, off + 4, 0xffffffff);
        mask |= (uint64_t)pci_read32(d, off + 4) << 32;
        pci_write32(d, off + 4, hi);
    } else {
        mask |= 0xffffffff00000000UL;
    }
    pci_write16(d, PCI_COMMAND, cmd);
    uint64_t base = ((uint64_t)hi << 32) | (lo & ~0xfu);
    if (!mask || !base)
        return -1; /* not implemented, or not assigned by the firmware */
    *pa = base;
    *size = ~mask + 1;
    return 0;
}

/* Top of the direct map as the early stage built it (kaslr/early.c):
 * max(4 GiB, end of RAM), at most HHDM_MAX, in 2 MiB pages. */
static uint64_t directmap_top(void)
{
    uint64_t top = 4UL << 30;
    for (uint32_t i = 0; i < bootinfo.nmem; i++)
        if (bootinfo.mem[i].type == 1 && bootinfo.mem[i].addr + bootinfo.mem[i].size > top)
            top = bootinfo.mem[i].addr + bootinfo.mem[i].size;
    top = ALIGN_UP(top, 0x200000UL);
    return top > HHDM_MAX ? HHDM_MAX : top;
}

volatile void *pci_map_bar(const struct pci_dev *d, int i, uint64_t *size)
{
    uint64_t pa, sz;
    if (pci_bar(d, i, &pa, &sz))
        return 0;
    if (pa + sz < pa || pa + sz > HHDM_MAX) {
        printk("pci: bar %d at 0x%lx size 0x%lx is outside the direct map window\n", i, pa, sz);
        return 0;
    }
    uint64_t top = directmap_top();
    if (pa < top && pa + sz > top)
        return 0; /* straddles the 2 MiB direct map; never seen on q35 */
    if (pa >= top) {
        for (uint64_t off = 0; off < sz; off += PAGE_SIZE) {
            uint64_t va = hhdm_base + pa + off;
            if (!vm_is_mapped(va))
                vm_map(va, pa + off, PTE_W | PTE_NX | PTE_PCD);
        }
    }
    if (size)
        *size = sz;
    return (volatile void *)P2V(pa);
}

uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id, uint8_t after)
{
    if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP))
        return 0;
    uint8_t p = after ? pci_read8(d, after + 1u) : pci_read8(d, PCI_CAP_PTR);
    /* At most 48 capabilities fit in 192 bytes: more means a loop. */
    for (int n = 0; n < 48 && p >= 0x40; n++) {
        p &= 0xfc;
        if (pci_read8(d, p) == id)
            return p;
        p = pci_read8(d, p + 1u);
    }
    return 0;
}

void pci_enable(const struct pci_dev *d)
{
    pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | PCI_CMD_MEM | PCI_CMD_MASTER);
}

/* Message control (capability + 2): table size - 1 in bits 10:0, function
 * mask bit 14, enable bit 15.  Table offset/BIR at capability + 4. */
#define MSIX_CTRL         2
#define MSIX_TABLE        4
#define MSIX_CTRL_SIZE    0x07ff
#define MSIX_CTRL_FMASK   0x4000
#define MSIX_CTRL_ENABLE  0x8000
#define MSIX_ENTRY_BYTES  16
#define MSIX_VCTRL_MASKED 1

const char *pci_msix_map(const struct pci_dev *d, struct pci_msix *m)
{
    uint8_t cap = pci_find_cap(d, PCI_CAP_MSIX, 0);
    if (!cap)
        return "no msi-x capability";
    uint16_t size = (uint16_t)((pci_read16(d, cap + MSIX_CTRL) & MSIX_CTRL_SIZE) + 1);
    uint32_t t = pci_read32(d, cap + MSIX_TABLE);
    int bir = (int)(t & 7);
    uint64_t off = t & ~7u, barsz;
    if (bir > 5)
        return "msi-x table in a reserved bar";
    volatile uint8_t *bar = pci_map_bar(d, bir, &barsz);
    if (!bar)
        return "msi-x bar not mapped";
    if (off + (uint64_t)size * MSIX_ENTRY_BYTES > barsz)
        return "msi-x table outside its bar";
    m->table = bar + off;
    m->size = size;
    m->cap = cap;
    return 0;
}

void pci_msix_set(const struct pci_msix *m, uint16_t i, uint32_t apic_id, uint8_t vector)
{
    if (i >= m->size)
        return;
    volatile uint32_t *e = (volatile uint32_t *)(m->table + (uint32_t)i * MSIX_ENTRY_BYTES);
    e[3] |= MSIX_VCTRL_MASKED; /* no half-written message can fire */
    e[0] = 0xfee00000u | ((apic_id & 0xff) << 12);
    e[1] = 0;
    e[2] = vector;
    e[3] &= ~(uint32_t)MSIX_VCTRL_MASKED;
}

void pci_msix_enable(const struct pci_dev *d, const struct pci_msix *m, int on)
{
    uint16_t ctrl = pci_read16(d, m->cap + MSIX_CTRL);
    uint16_t cmd = pci_read16(d, PCI_COMMAND);
    if (on) {
        pci_write16(d, PCI_COMMAND, cmd | PCI_CMD_INTX_DISABLE);
        ctrl = (uint16_t)((ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_FMASK);
    } else {
        ctrl &= (uint16_t)~MSIX_CTRL_ENABLE;
    }
    pci_write16(d, m->cap + MSIX_CTRL, ctrl);
}
