/*
 * The layout block: what the host needs to symbolize this boot without
 * symbols or cooperation.  It sits at the fixed physical address
 * 0x200000 (the first page of the image) and is also announced through
 * QEMU's vmcoreinfo device.  Format documented in docs/kaslr.md.
 */
#ifndef USLAYOUT_H
#define USLAYOUT_H
#include <stdint.h>

#define USLAYOUT_PHYS        0x200000UL
#define USLAYOUT_MAGIC       "USCOPELY" /* 8 bytes, no NUL */
#define USLAYOUT_VERSION     1
#define USLAYOUT_MAX_REGIONS 16

enum {
    USL_TEXT = 1,
    USL_RODATA,
    USL_DATA,
    USL_BSS,
    USL_HEAP,
    USL_PERCPU,
    USL_STACKS,
    USL_MMIO,
    USL_DIRECTMAP,
    USL_KSYMS
};

struct uslayout_region {
    uint32_t kind;  /* USL_* */
    uint32_t flags; /* bit0 R, bit1 W, bit2 X */
    char name[16];
    uint64_t start; /* virtual */
    uint64_t size;
    uint64_t phys; /* physical start, or 0 if not contiguous/known */
};

struct uslayout {
    char magic[8];
    uint32_t version;
    uint32_t size;  /* sizeof(struct uslayout) */
    uint32_t state; /* 0 = not filled yet (before boot), 1 = valid */
    uint32_t build_id_len;
    uint8_t build_id[32];
    uint64_t link_base;
    uint64_t virt_base;
    uint64_t slide; /* virt_base - link_base */
    uint64_t phys_base;
    uint64_t image_size;
    uint64_t kaslr_seed;
    uint32_t kaslr_enabled;
    uint32_t seed_source; /* 0 rdrand, 1 tsc, 2 kaslr_seed=, 3 nokaslr */
    uint64_t tsc_khz;
    uint32_t ncpus;
    uint32_t nregions;
    struct uslayout_region regions[USLAYOUT_MAX_REGIONS];
};

_Static_assert(sizeof(struct uslayout_region) == 48, "docs/kaslr.md: region entry");
_Static_assert(sizeof(struct uslayout) == 896, "docs/kaslr.md: block size");

void layout_publish(void);
const uint8_t *build_id(uint32_t *len); /* the ELF's GNU build-id, at most 32 bytes */
void build_id_hex(char out[65]);
uint64_t image_phys(const void *va); /* physical address of a kernel-image object */
extern struct uslayout uslayout;
#endif
