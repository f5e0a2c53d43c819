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

/* The four randomized bases of a boot (include/layout.h windows). */
struct kaslr_bases {
    uint64_t kernel, heap, stacks, directmap;
};
/* One seed -> the four bases: one splitmix64 output each, in this order,
 * so kaslr_seed=N reproduces a boot (kaslr_early, and the host tests). */
void kaslr_bases(uint64_t seed, uint64_t image_size, struct kaslr_bases *out);

/* The entropy pool (kaslr/entropy.c): a chain of bijections, so the result
 * is uniform if any one absorbed word is uniform and independent of those
 * absorbed after it.  Absorb the least trusted source first. */
struct entropy_pool {
    uint64_t h; /* chaining value */
    uint64_t n; /* words absorbed */
};
void entropy_init(struct entropy_pool *p);
void entropy_add(struct entropy_pool *p, uint64_t w);
/* Little-endian 64-bit words, the last one zero-padded. */
void entropy_add_bytes(struct entropy_pool *p, const uint8_t *b, size_t len);
uint64_t entropy_final(const struct entropy_pool *p);

/* The KASLR seed (kaslr/random.c): `ndev` virtio-rng bytes (may be 0),
 * TSC jitter and RDRAND if CPUID says it exists, mixed in that order.
 * *source = SEED_RDRAND or SEED_TSC (the best CPU source), plus
 * SEED_F_VIRTIO_RNG if ndev > 0. */
uint64_t boot_seed(const uint8_t *dev, size_t ndev, uint32_t *source);

/* Early virtio-rng reader (kaslr/early_rng.c), identity mapped, before
 * relocation: up to `len` (<= EARLY_RNG_MAX) bytes from a virtio-rng PCI
 * function on bus 0; returns the count (0: no device, skipped or failed)
 * and describes what happened in `note` (for the boot line). */
#define EARLY_RNG_MAX 64
size_t early_rng_read(uint8_t *out, size_t len, char *note, size_t notelen);

/* Its ring geometry (kaslr/rng_ring.c, pure).  Legacy: used ring offset
 * (4096-aligned) and total bytes for a queue of `size`; whether a
 * device-given size is a nonzero power of two <= VIRTQ_MAX that fits
 * `ring_bytes`.  Modern: the size to program, <= max and want, or 0. */
uint64_t rng_legacy_used_off(uint16_t size);
uint64_t rng_legacy_bytes(uint16_t size);
int rng_legacy_size_ok(uint16_t size, uint64_t ring_bytes);
uint16_t rng_modern_size(uint16_t max, uint16_t want, uint64_t ring_bytes);
#endif
