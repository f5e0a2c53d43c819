/* KASLR: choosing bases and applying the kernel's own relocations. */
#ifndef KASLR_H
#define KASLR_H
#include <stddef.h>
#include <stdint.h>

struct elf64_rela {
    uint64_t r_offset;
    uint64_t r_info;
    int64_t r_addend;
};
#define R_X86_64_RELATIVE 8

/* Applies R_X86_64_RELATIVE relocations to an image linked at link_base,
 * reachable (writable) at `image` and about to run at run_base.  Returns
 * the number applied, or -(index+1) of the first relocation that is not
 * RELATIVE or whose target lies outside the image. */
long reloc_apply(const struct elf64_rela *r, size_t n, uint8_t *image, uint64_t image_size,
                 uint64_t link_base, uint64_t run_base);

/* Number of `align`-aligned bases in [start, end) that fit `size` bytes. */
uint64_t kaslr_slots(uint64_t start, uint64_t end, uint64_t size, uint64_t align);
/* Picks slot r % slots. */
uint64_t kaslr_choose(uint64_t r, uint64_t start, uint64_t end, uint64_t size, uint64_t align);
/* splitmix64: the reproducible generator behind kaslr_seed=N. */
uint64_t splitmix64(uint64_t *state);
/* 64 random bits from RDRAND if CPUID says it exists, else TSC jitter;
 * *source = SEED_RDRAND or SEED_TSC. */
uint64_t hw_random64(uint32_t *source);
#endif
