/*
 * Uniformity of the KASLR bases: the selection path of kaslr/early.c
 * (one seed, splitmix64, kaslr_choose for the kernel, heap, stacks and
 * direct map, in that order, with the real window constants) over
 * 1,000,000 consecutive seeds and 1,000,000 random ones.
 *
 * Per window, chi-square of the slot index over 256 equal ranges (a bias
 * towards one part of the window) and over its low 8 bits (a modulo or
 * stride pattern: bases bunching on some multiples of the alignment); per
 * pair of windows chosen one after the other, chi-square of 16 x 16 joint
 * ranges (consecutive splitmix64 outputs correlated).  Every statistic has
 * 255 degrees of freedom and is compared with both tails: above CHI2_HI is
 * too uneven, below CHI2_LO too even to be random (a counter would pass the
 * upper test on its low bits).  Expected counts are exact, from each bin's
 * slot count, not N / 256.
 *
 * P(chi2 > 400) = 1.66e-8 and P(chi2 < 150) = 2.19e-8 for 255 degrees of
 * freedom (regularized gamma, as kernel/scripts/kaslr-survey.py computes
 * it), so a truly uniform generator fails one of the 22 statistics with
 * probability < 22 x 3.9e-8 = 8.5e-7.  The seeds are fixed, so the test is
 * deterministic anyway: it either always passes or always fails.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kaslr.h"
#include "layout.h"
#include "test.h"

#define NSEEDS  1000000
#define NBINS   256
#define NJOINT  16 /* per axis: 16 x 16 = 256 cells */
#define CHI2_LO 150.0
#define CHI2_HI 400.0
#define NWIN    4

/* The current image (__image_end - __image_start of build/uniscope.elf,
 * 1,764 KiB, bss included); early.c rounds it up to 4 KiB.  The checks
 * also run with other sizes below: the result does not hinge on it. */
#define IMAGE_SIZE 0x1b9000UL

struct window {
    const char *name;
    uint64_t start, end, size, align;
};

struct tally {
    uint64_t slots;
    uint32_t range[NBINS]; /* slot * 256 / slots */
    uint32_t low[NBINS];   /* slot & 255 */
};

struct survey {
    struct window w[NWIN];
    struct tally t[NWIN];
    uint32_t joint[NWIN - 1][NJOINT * NJOINT]; /* window i against i + 1 */
    unsigned misplaced;                        /* bases unaligned, outside, or not fitting */
};

static void windows_init(struct window *w, uint64_t image_size)
{
    uint64_t size = (image_size + 0xfff) & ~0xfffUL; /* as early.c */
    w[0] = (struct window){"kernel", KASLR_WIN_START, KASLR_WIN_END, size, KASLR_ALIGN};
    w[1] = (struct window){"heap", HEAP_WIN_START, HEAP_WIN_END, HEAP_SPAN, HEAP_ALIGN};
    w[2] = (struct window){"stacks", STACK_WIN_START, STACK_WIN_END, STACK_SPAN, STACK_ALIGN};
    w[3] = (struct window){"directmap", HHDM_WIN_START, HHDM_WIN_END, HHDM_MAX, HHDM_ALIGN};
}

/* kaslr_early()'s choice for `seed` (kaslr_bases), in windows_init's order. */
static void choose_all(const struct window *w, uint64_t seed, uint64_t base[NWIN])
{
    struct kaslr_bases b;
    kaslr_bases(seed, w[0].size, &b);
    base[0] = b.kernel;
    base[1] = b.heap;
    base[2] = b.stacks;
    base[3] = b.directmap;
}

static int placed_ok(const struct window *w, uint64_t b)
{
    return (b & (w->align - 1)) == 0 && b >= w->start && b < w->end && w->end - b >= w->size;
}

static void survey_add(struct survey *s, uint64_t seed)
{
    uint64_t base[NWIN], slot[NWIN];
    choose_all(s->w, seed, base);
    for (int i = 0; i < NWIN; i++) {
        const struct window *w = &s->w[i];
        struct tally *t = &s->t[i];
        if (!placed_ok(w, base[i])) {
            s->misplaced++; /* counted, and nothing tallied for this seed */
            return;
        }
        slot[i] = (base[i] - w->start) / w->align; /* the windows start aligned */
        t->range[slot[i] * NBINS / t->slots]++;    /* slots < 2^35: no overflow */
        t->low[slot[i] & (NBINS - 1)]++;
    }
    for (int i = 0; i + 1 < NWIN; i++) {
        uint64_t a = slot[i] * NJOINT / s->t[i].slots, b = slot[i + 1] * NJOINT / s->t[i + 1].slots;
        s->joint[i][a * NJOINT + b]++;
    }
}

static void survey_init(struct survey *s, uint64_t image_size)
{
    memset(s, 0, sizeof *s);
    windows_init(s->w, image_size);
    for (int i = 0; i < NWIN; i++)
        s->t[i].slots = kaslr_slots(s->w[i].start, s->w[i].end, s->w[i].size, s->w[i].align);
}

/* Slots of [0, slots) whose index * k / slots is `bin` (k equal ranges). */
static uint64_t range_width(uint64_t slots, uint64_t k, uint64_t bin)
{
    uint64_t lo = (bin * slots + k - 1) / k, hi = ((bin + 1) * slots + k - 1) / k;
    return hi - lo;
}

/* Slots of [0, slots) whose index has low byte `v`. */
static uint64_t low_width(uint64_t slots, uint64_t v)
{
    return v < slots ? (slots - 1 - v) / NBINS + 1 : 0;
}

static double chi2_term(double observed, double expected)
{
    return (observed - expected) * (observed - expected) / expected;
}

/* Prints the statistic if it fails, or always with KASLR_UNIFORM_VERBOSE=1
 * in the environment (the figures docs/kaslr.md quotes). */
static int chi2_ok(const char *what, const char *name, double chi2)
{
    int ok = chi2 > CHI2_LO && chi2 < CHI2_HI;
    const char *v = getenv("KASLR_UNIFORM_VERBOSE");
    if (!ok || (v && *v == '1'))
        printf("  %s %s: chi2 %.1f %s (%.0f, %.0f), 255 df\n", what, name, chi2,
               ok ? "inside" : "outside", CHI2_LO, CHI2_HI);
    return ok;
}

static void survey_check(const struct survey *s, uint64_t n)
{
    CHECK_EQ(s->misplaced, 0);
    for (int i = 0; i < NWIN; i++) {
        const struct tally *t = &s->t[i];
        double range = 0, low = 0;
        for (uint64_t b = 0; b < NBINS; b++) {
            range += chi2_term(t->range[b], (double)n * range_width(t->slots, NBINS, b) / t->slots);
            low += chi2_term(t->low[b], (double)n * low_width(t->slots, b) / t->slots);
        }
        CHECK(chi2_ok("range", s->w[i].name, range));
        CHECK(chi2_ok("low bits", s->w[i].name, low));
    }
    for (int i = 0; i + 1 < NWIN; i++) {
        double joint = 0;
        for (uint64_t a = 0; a < NJOINT; a++)
            for (uint64_t b = 0; b < NJOINT; b++) {
                double p = (double)range_width(s->t[i].slots, NJOINT, a) / s->t[i].slots *
                           range_width(s->t[i + 1].slots, NJOINT, b) / s->t[i + 1].slots;
                joint += chi2_term(s->joint[i][a * NJOINT + b], n * p);
            }
        CHECK(chi2_ok("joint with next", s->w[i].name, joint));
    }
}

static struct survey survey; /* 12 KiB of counters: not on the stack */

void test_kaslr_uniform_consecutive_seeds(void)
{
    survey_init(&survey, IMAGE_SIZE);
    for (uint64_t seed = 0; seed < NSEEDS; seed++)
        survey_add(&survey, seed);
    survey_check(&survey, NSEEDS);
}

/* xorshift64* (Vigna): an unrelated generator for the random seeds. */
static uint64_t xorshift64s(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 0x2545f4914f6cdd1dULL;
}

void test_kaslr_uniform_random_seeds(void)
{
    uint64_t x = 0x5eed0f4a51a7e5ULL;
    survey_init(&survey, IMAGE_SIZE);
    for (uint64_t i = 0; i < NSEEDS; i++)
        survey_add(&survey, xorshift64s(&x));
    survey_check(&survey, NSEEDS);
}

/* The slot counts docs/kaslr.md quotes, for the current image. */
void test_kaslr_slot_counts(void)
{
    survey_init(&survey, IMAGE_SIZE);
    CHECK_EQ(survey.t[0].slots, 12884901448ULL);
    CHECK_EQ(survey.t[1].slots, 16744449ULL);
    CHECK_EQ(survey.t[2].slots, 8304721921ULL);
    CHECK_EQ(survey.t[3].slots, 8355841ULL);
}

/* Every base is aligned, inside its window, and its span fits: the edge
 * slots (r = 0, slots - 1, slots, all ones) and random seeds, for image
 * sizes from one page to 64 MiB. */
void test_kaslr_bases_in_window(void)
{
    static const uint64_t sizes[] = {1, 0x1000, IMAGE_SIZE, 0x1b9001, 64UL << 20};
    for (unsigned k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        struct window w[NWIN];
        windows_init(w, sizes[k]);
        for (int i = 0; i < NWIN; i++) {
            uint64_t slots = kaslr_slots(w[i].start, w[i].end, w[i].size, w[i].align);
            CHECK(slots > 1);
            uint64_t edge[] = {0, slots - 1, slots, ~0ULL};
            for (unsigned e = 0; e < 4; e++)
                CHECK(placed_ok(
                    &w[i], kaslr_choose(edge[e], w[i].start, w[i].end, w[i].size, w[i].align)));
            /* The last slot ends exactly at the window's end. */
            CHECK_EQ(kaslr_choose(slots - 1, w[i].start, w[i].end, w[i].size, w[i].align) +
                         w[i].size,
                     w[i].end - (w[i].end - w[i].start - w[i].size) % w[i].align);
        }
        uint64_t x = 0x1234567 + k, base[NWIN];
        for (int n = 0; n < 100000; n++) {
            choose_all(w, xorshift64s(&x), base);
            for (int i = 0; i < NWIN; i++)
                CHECK(placed_ok(&w[i], base[i]));
        }
    }
}
