/* QEMU fw_cfg: find etc/vmcoreinfo and DMA-write the note's location
 * (reference/qemu-elf-dump.md section 5).  fw_cfg structures are
 * big-endian; the vmcoreinfo record itself is little-endian. */
#include "kernel.h"
#include "arch.h"
#include "bootinfo.h"
#include "string.h"
#include "uslayout.h"

#define FW_SEL    0x510
#define FW_DATA   0x511
#define FW_DMA_HI 0x514
#define FW_DMA_LO 0x518

static uint32_t be32(uint32_t v)
{
    return __builtin_bswap32(v);
}

static void read_bytes(void *buf, uint32_t n)
{
    uint8_t *p = buf;
    for (uint32_t i = 0; i < n; i++)
        p[i] = inb(FW_DATA);
}

static struct {
    uint32_t control, length;
    uint64_t address;
} dma __attribute__((aligned(16)));
static struct {
    uint16_t host_format, guest_format;
    uint32_t size;
    uint64_t paddr;
} vmci_rec __attribute__((aligned(16)));

int vmcoreinfo_publish(uint64_t note_phys, uint32_t size)
{
    char sig[4];
    outw(FW_SEL, 0x0000);
    read_bytes(sig, 4);
    if (memcmp(sig, "QEMU", 4))
        return -1;
    uint32_t features;
    outw(FW_SEL, 0x0001);
    read_bytes(&features, 4);
    if (!(features & 2)) /* DMA interface (little-endian bitmap) */
        return -1;
    uint32_t count;
    outw(FW_SEL, 0x0019);
    read_bytes(&count, 4);
    count = be32(count);
    uint16_t sel = 0;
    for (uint32_t i = 0; i < count && i < 256; i++) {
        struct {
            uint32_t size;
            uint16_t select, reserved;
            char name[56];
        } f;
        read_bytes(&f, sizeof f);
        f.name[55] = 0;
        if (!strcmp(f.name, "etc/vmcoreinfo")) {
            sel = __builtin_bswap16(f.select);
            break;
        }
    }
    if (!sel)
        return -1;
    vmci_rec.host_format = 0;
    vmci_rec.guest_format = 1; /* ELF note */
    vmci_rec.size = size;
    vmci_rec.paddr = note_phys;
    dma.control = be32(((uint32_t)sel << 16) | 0x08 | 0x10); /* SELECT | WRITE */
    dma.length = be32(sizeof vmci_rec);
    dma.address = __builtin_bswap64(image_phys(&vmci_rec));
    uint64_t pa = image_phys(&dma);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    outl(FW_DMA_HI, be32((uint32_t)(pa >> 32)));
    outl(FW_DMA_LO, be32((uint32_t)pa));
    for (int i = 0; i < 1000000; i++) {
        uint32_t c = be32(__atomic_load_n(&dma.control, __ATOMIC_ACQUIRE));
        if (c == 0)
            return 0;
        if (c & 1)
            return -1;
        cpu_relax();
    }
    return -1;
}
