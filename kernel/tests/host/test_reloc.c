#include <stdint.h>
#include <string.h>
#include "kaslr.h"
#include "layout.h"
#include "test.h"

#define LINK 0xffffffff80200000ULL

void test_reloc_apply(void)
{
    uint8_t img[64];
    memset(img, 0, sizeof img);
    struct elf64_rela r[2] = {
        {LINK + 8, R_X86_64_RELATIVE, (int64_t)(LINK + 0x1234)},
        {LINK + 40, R_X86_64_RELATIVE, (int64_t)(LINK + 0)},
    };
    uint64_t run = 0xffff912345678000ULL;
    CHECK_EQ(reloc_apply(r, 2, img, sizeof img, LINK, run), 2);
    uint64_t v;
    memcpy(&v, img + 8, 8);
    CHECK_EQ(v, run + 0x1234);
    memcpy(&v, img + 40, 8);
    CHECK_EQ(v, run);
    /* Same base: values equal the link-time addends. */
    CHECK_EQ(reloc_apply(r, 2, img, sizeof img, LINK, LINK), 2);
    memcpy(&v, img + 8, 8);
    CHECK_EQ(v, LINK + 0x1234);
}

void test_reloc_rejects(void)
{
    uint8_t img[64] = {0};
    struct elf64_rela bad_type[1] = {{LINK + 8, 1 /* R_X86_64_64 */, 0}};
    CHECK_EQ(reloc_apply(bad_type, 1, img, sizeof img, LINK, LINK), (uint64_t)-1);
    struct elf64_rela out[2] = {{LINK, R_X86_64_RELATIVE, 0}, {LINK + 60, R_X86_64_RELATIVE, 0}};
    CHECK_EQ(reloc_apply(out, 2, img, sizeof img, LINK, LINK), (uint64_t)-2);
    struct elf64_rela below[1] = {{LINK - 8, R_X86_64_RELATIVE, 0}};
    CHECK_EQ(reloc_apply(below, 1, img, sizeof img, LINK, LINK), (uint64_t)-1);
}

void test_kaslr_slots(void)
{
    /* Window arithmetic used by the kernel and quoted in docs/kaslr.md. */
    uint64_t size = 0x80000; /* 512 KiB image */
    uint64_t slots = kaslr_slots(KASLR_WIN_START, KASLR_WIN_END, size, KASLR_ALIGN);
    CHECK_EQ(slots, (KASLR_WIN_END - KASLR_WIN_START - size) / 0x1000 + 1);
    CHECK(slots > (1ULL << 33));
    for (uint64_t r = 0; r < 1000; r++) {
        uint64_t rnd = r * 0x9e3779b97f4a7c15ULL;
        uint64_t b = kaslr_choose(rnd, KASLR_WIN_START, KASLR_WIN_END, size, KASLR_ALIGN);
        CHECK(b >= KASLR_WIN_START && b + size <= KASLR_WIN_END);
        CHECK_EQ(b & 0xfff, 0);
    }
    CHECK_EQ(kaslr_choose(slots - 1, KASLR_WIN_START, KASLR_WIN_END, size, KASLR_ALIGN) + size,
             KASLR_WIN_END);
    CHECK_EQ(kaslr_slots(0x1000, 0x2000, 0x2000, 0x1000), 0);
    CHECK_EQ(kaslr_slots(0, 0x3000, 0x1000, 0x1000), 3);
}

void test_splitmix_reproducible(void)
{
    uint64_t a = 42, b = 42;
    for (int i = 0; i < 10; i++)
        CHECK_EQ(splitmix64(&a), splitmix64(&b));
    uint64_t c = 43;
    a = 42;
    CHECK(splitmix64(&a) != splitmix64(&c));
}
