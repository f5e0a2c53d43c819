/*
 * What the early (identity-mapped) boot stage hands to kmain: the
 * memory map and command line copied out of hvm_start_info, and the
 * layout decisions KASLR made.
 */
#ifndef BOOTINFO_H
#define BOOTINFO_H
#include <stdint.h>

#define BOOT_MEMMAP_MAX  64
#define BOOT_CMDLINE_MAX 1024

struct boot_mem {
    uint64_t addr, size;
    uint32_t type;
};

/* seed_source: the low byte is the primary source (also the layout block's
 * value, docs/kaslr.md); SEED_F_VIRTIO_RNG says virtio-rng bytes were
 * mixed in as well. */
enum seed_source { SEED_RDRAND = 0, SEED_TSC = 1, SEED_CMDLINE = 2, SEED_NONE = 3 };
#define SEED_F_VIRTIO_RNG 0x100u

struct bootinfo {
    uint64_t phys_base;  /* where QEMU loaded the image */
    uint64_t image_size; /* __image_end - __image_start */
    uint64_t virt_base;  /* where the image runs now */
    uint64_t slide;      /* virt_base - KERNEL_LINK */
    uint64_t heap_base;
    uint64_t stack_base;
    uint64_t pml4_phys;
    uint64_t rsdp;
    uint64_t tsc_entry;
    uint64_t seed;
    uint32_t seed_source;
    uint32_t kaslr;
    uint32_t nrelocs;
    uint32_t nmem;
    uint32_t rng_bytes;  /* virtio-rng bytes mixed into the seed (kaslr/early_rng.c) */
    uint64_t rng_cycles; /* TSC cycles the early virtio-rng read took */
    char rng_note[96];   /* what the early reader found, for the boot line */
    struct boot_mem mem[BOOT_MEMMAP_MAX];
    char cmdline[BOOT_CMDLINE_MAX];
};

extern struct bootinfo bootinfo;
#endif
