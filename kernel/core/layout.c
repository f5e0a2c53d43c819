/* Fills the layout block and publishes it through vmcoreinfo. */
#include "kernel.h"
#include "arch.h"
#include "bootinfo.h"
#include "layout.h"
#include "mm.h"
#include "string.h"
#include "trace.h"
#include "uslayout.h"

__attribute__((section(".layout"), used)) struct uslayout uslayout = {
    .magic = USLAYOUT_MAGIC,
    .version = USLAYOUT_VERSION,
    .size = sizeof(struct uslayout),
};

extern const char __build_id_note[];
extern const char __ksyms_start[], __ksyms_end[];
extern struct percpu percpu_area[];

uint64_t image_phys(const void *va)
{
    return (uint64_t)va - bootinfo.virt_base + bootinfo.phys_base;
}

static void region(uint32_t kind, const char *name, uint64_t start, uint64_t size, uint64_t phys,
                   uint32_t flags)
{
    if (uslayout.nregions >= USLAYOUT_MAX_REGIONS)
        return;
    struct uslayout_region *r = &uslayout.regions[uslayout.nregions++];
    r->kind = kind;
    r->flags = flags;
    strncpy_z(r->name, name, sizeof r->name);
    r->start = start;
    r->size = size;
    r->phys = phys;
}

const uint8_t *build_id(uint32_t *len)
{
    /* ELF note: namesz, descsz, type, "GNU\0", desc */
    const uint32_t *n = (const uint32_t *)__build_id_note;
    *len = n[1] > 32 ? 32 : n[1];
    return (const uint8_t *)__build_id_note + 12 + ((n[0] + 3) & ~3u);
}

void build_id_hex(char out[65])
{
    uint32_t len;
    const uint8_t *id = build_id(&len);
    for (uint32_t i = 0; i < len; i++)
        snprintf(out + 2 * i, 3, "%02x", id[i]);
    out[2 * len] = 0;
}

/* vmcoreinfo ELF note (name "VMCOREINFO") with key=value lines. */
static struct {
    uint32_t namesz, descsz, type;
    char name[12];
    char desc[512];
} vmci_note __attribute__((aligned(8)));

static void vmcoreinfo(void)
{
    char hex[65];
    build_id_hex(hex);
    int n =
        snprintf(vmci_note.desc, sizeof vmci_note.desc,
                 "UNISCOPE_LAYOUT=0x%lx\nKERNELOFFSET=%lx\nUNISCOPE_BASE=0x%lx\n"
                 "UNISCOPE_LINK_BASE=0x%lx\nUNISCOPE_DIRECTMAP=0x%lx\nBUILD-ID=%s\n",
                 USLAYOUT_PHYS, bootinfo.slide, bootinfo.virt_base, KERNEL_LINK, hhdm_base, hex);
    vmci_note.namesz = 11;
    memcpy(vmci_note.name, "VMCOREINFO", 11);
    vmci_note.descsz = (uint32_t)n;
    vmci_note.type = 0;
    uint32_t size = 12 + 12 + (((uint32_t)n + 3) & ~3u);
    if (vmcoreinfo_publish(image_phys(&vmci_note), size) == 0)
        printk("layout: vmcoreinfo note at phys 0x%lx\n", image_phys(&vmci_note));
    else
        printk("layout: no vmcoreinfo device\n");
}

void layout_publish(void)
{
    struct uslayout *l = &uslayout;
    uint32_t idlen;
    const uint8_t *id = build_id(&idlen);
    l->build_id_len = idlen;
    memcpy(l->build_id, id, l->build_id_len);
    l->link_base = KERNEL_LINK;
    l->virt_base = bootinfo.virt_base;
    l->slide = bootinfo.slide;
    l->phys_base = bootinfo.phys_base;
    l->image_size = bootinfo.image_size;
    l->kaslr_seed = bootinfo.seed;
    l->kaslr_enabled = bootinfo.kaslr;
    l->seed_source = bootinfo.seed_source;
    l->tsc_khz = tsc_khz();
    l->ncpus = (uint32_t)ncpus;
    l->nregions = 0;
    region(USL_TEXT, "text", (uint64_t)__text_start, (uint64_t)(__text_end - __text_start),
           image_phys(__text_start), 5);
    region(USL_RODATA, "rodata", (uint64_t)__rodata_start,
           (uint64_t)(__rodata_end - __rodata_start), image_phys(__rodata_start), 1);
    region(USL_DATA, "data", (uint64_t)__data_start, (uint64_t)(__data_end - __data_start),
           image_phys(__data_start), 3);
    region(USL_BSS, "bss", (uint64_t)__bss_start, (uint64_t)(__bss_end - __bss_start),
           image_phys(__bss_start), 3);
    region(USL_KSYMS, "ksyms", (uint64_t)__ksyms_start, (uint64_t)(__ksyms_end - __ksyms_start),
           image_phys(__ksyms_start), 1);
    region(USL_HEAP, "heap", bootinfo.heap_base, HEAP_SPAN, 0, 3);
    region(USL_PERCPU, "percpu", (uint64_t)percpu_area, sizeof(struct percpu) * MAX_CPUS,
           image_phys(percpu_area), 3);
    region(USL_STACKS, "stacks", bootinfo.stack_base, STACK_SPAN, 0, 3);
    region(USL_MMIO, "lapic", (uint64_t)P2V(0xfee00000UL), 0x1000, 0xfee00000UL, 3);
    region(USL_DIRECTMAP, "directmap", hhdm_base, pmm_total_pages() * PAGE_SIZE, 0, 3);
    uint64_t ts, tz, tp;
    trace_layout_region(&ts, &tz, &tp);
    if (tz)
        region(11, "trace", ts, tz, tp, 3); /* docs/protocol.md section 11 */
    __atomic_store_n(&l->state, 1, __ATOMIC_RELEASE);
    vmcoreinfo();
}
