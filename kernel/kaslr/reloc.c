/* Relocation of the static PIE and slot arithmetic: pure code, host-tested. */
#include "kaslr.h"
#include "layout.h"

long reloc_apply(const struct elf64_rela *r, size_t n, uint8_t *image, uint64_t image_size,
                 uint64_t link_base, uint64_t run_base)
{
    uint64_t slide = run_base - link_base;
    for (size_t i = 0; i < n; i++) {
        if ((uint32_t)r[i].r_info != R_X86_64_RELATIVE)
            return -(long)(i + 1);
        uint64_t off = r[i].r_offset - link_base;
        if (r[i].r_offset < link_base || off > image_size - 8 || image_size < 8)
            return -(long)(i + 1);
        uint64_t v = (uint64_t)r[i].r_addend + slide;
        __builtin_memcpy(image + off, &v, 8);
    }
    return (long)n;
}

uint64_t kaslr_slots(uint64_t start, uint64_t end, uint64_t size, uint64_t align)
{
    start = (start + align - 1) & ~(align - 1);
    if (end <= start || end - start < size)
        return 0;
    return (end - start - size) / align + 1;
}

uint64_t kaslr_choose(uint64_t r, uint64_t start, uint64_t end, uint64_t size, uint64_t align)
{
    uint64_t slots = kaslr_slots(start, end, size, align);
    start = (start + align - 1) & ~(align - 1);
    if (!slots)
        return start;
    return start + (r % slots) * align;
}

uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void kaslr_bases(uint64_t seed, uint64_t image_size, struct kaslr_bases *out)
{
    uint64_t st = seed;
    out->kernel =
        kaslr_choose(splitmix64(&st), KASLR_WIN_START, KASLR_WIN_END, image_size, KASLR_ALIGN);
    out->heap = kaslr_choose(splitmix64(&st), HEAP_WIN_START, HEAP_WIN_END, HEAP_SPAN, HEAP_ALIGN);
    out->stacks =
        kaslr_choose(splitmix64(&st), STACK_WIN_START, STACK_WIN_END, STACK_SPAN, STACK_ALIGN);
    out->directmap =
        kaslr_choose(splitmix64(&st), HHDM_WIN_START, HHDM_WIN_END, HHDM_MAX, HHDM_ALIGN);
}
