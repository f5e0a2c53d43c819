/*
 * PCI through ECAM (PCIe memory-mapped configuration space), as QEMU's
 * q35 machine provides it: enumeration, config-space access, BARs and the
 * capability list (drivers/pci.c).
 */
#ifndef PCI_H
#define PCI_H
#include <stdint.h>

#define PCI_MAX_DEVS 32

#define PCI_VENDOR_ID   0x00
#define PCI_COMMAND     0x04
#define PCI_STATUS      0x06
#define PCI_CLASS_REV   0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0        0x10
#define PCI_CAP_PTR     0x34

#define PCI_CMD_MEM          0x0002
#define PCI_CMD_MASTER       0x0004
#define PCI_CMD_INTX_DISABLE 0x0400
#define PCI_STATUS_CAP       0x0010

#define PCI_CAP_VENDOR 0x09 /* vendor-specific (virtio uses it) */
#define PCI_CAP_MSIX   0x11

struct pci_dev {
    uint8_t bus, dev, fn;
    uint16_t vendor, device;
    uint32_t class_rev; /* class << 8 | revision */
};

void pci_init(void); /* finds ECAM, enumerates; prints one line per function */
struct pci_dev *pci_find(uint16_t vendor, uint16_t device); /* first match or NULL */

uint8_t pci_read8(const struct pci_dev *d, uint32_t off);
uint16_t pci_read16(const struct pci_dev *d, uint32_t off);
uint32_t pci_read32(const struct pci_dev *d, uint32_t off);
void pci_write16(const struct pci_dev *d, uint32_t off, uint16_t v);
void pci_write32(const struct pci_dev *d, uint32_t off, uint32_t v);

/* Memory BAR i: physical address and size (sizing briefly disables memory
 * decoding).  Returns 0, or -1 for an I/O BAR, an unassigned BAR or i > 5. */
int pci_bar(const struct pci_dev *d, int i, uint64_t *pa, uint64_t *size);
/* The BAR mapped uncached into the direct map (virtual address) or NULL. */
volatile void *pci_map_bar(const struct pci_dev *d, int i, uint64_t *size);
/* Offset of the next capability with this id after `after` (0 = from the
 * start of the list), or 0.  The walk is bounded (a looping list ends). */
uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id, uint8_t after);
void pci_enable(const struct pci_dev *d); /* memory space + bus mastering */

/*
 * MSI-X (PCI 3.0 6.8.2): the capability names a BAR and an offset for a
 * table of 16-byte entries {address lo, address hi, data, vector control}.
 * A message is a memory write of `data` to `address`: for x86, address
 * 0xFEE00000 | (destination APIC id << 12) (physical destination, no
 * redirection hint) and data = vector (fixed delivery, edge), so it goes
 * straight to a local APIC; no IOAPIC is involved.
 */
struct pci_msix {
    volatile uint8_t *table; /* virtual address of entry 0 */
    uint16_t size;           /* entries in the table */
    uint8_t cap;             /* config-space offset of the capability */
};
/* Finds the capability and maps the table (its BAR through pci_map_bar,
 * the whole table checked against the BAR's size).  NULL on success, else
 * why not: a constant string for the driver's boot line. */
const char *pci_msix_map(const struct pci_dev *d, struct pci_msix *m);
/* Entry i (< m->size): message to `apic_id` with `vector`, unmasked. */
void pci_msix_set(const struct pci_msix *m, uint16_t i, uint32_t apic_id, uint8_t vector);
/* MSI-X on (enable bit set, function mask off, INTx disabled) or off. */
void pci_msix_enable(const struct pci_dev *d, const struct pci_msix *m, int on);

/* Boot-time driver initialisation (drivers/init.c), called once from kmain. */
void drivers_init(void);
#endif
