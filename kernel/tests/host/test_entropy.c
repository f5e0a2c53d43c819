/* The KASLR entropy pool (kaslr/entropy.c) and the early virtio-rng ring
 * geometry (kaslr/rng_ring.c) driving drivers/virtq.c's ring logic in the
 * legacy layout, as kaslr/early_rng.c does. */
#include <stdint.h>
#include <string.h>
#include "kaslr.h"
#include "test.h"
#include "virtio.h"

static uint64_t seed_of(const uint8_t *dev, size_t n, uint64_t tsc, uint64_t rdrand)
{
    struct entropy_pool p;
    entropy_init(&p);
    entropy_add_bytes(&p, dev, n);
    entropy_add(&p, tsc);
    entropy_add(&p, rdrand);
    return entropy_final(&p);
}

void test_entropy_deterministic(void)
{
    uint8_t dev[32];
    for (int i = 0; i < 32; i++)
        dev[i] = (uint8_t)(i * 37 + 1);
    CHECK_EQ(seed_of(dev, 32, 1, 2), seed_of(dev, 32, 1, 2));
    /* entropy_final does not consume the pool */
    struct entropy_pool p;
    entropy_init(&p);
    entropy_add(&p, 5);
    CHECK_EQ(entropy_final(&p), entropy_final(&p));
    /* every input matters */
    CHECK(seed_of(dev, 32, 1, 2) != seed_of(dev, 32, 1, 3));
    CHECK(seed_of(dev, 32, 1, 2) != seed_of(dev, 32, 9, 2));
    dev[31] ^= 0x80;
    uint64_t a = seed_of(dev, 32, 1, 2);
    dev[31] ^= 0x80;
    CHECK(a != seed_of(dev, 32, 1, 2));
}

void test_entropy_order_and_length(void)
{
    struct entropy_pool p, q;
    entropy_init(&p);
    entropy_add(&p, 1);
    entropy_add(&p, 2);
    entropy_init(&q);
    entropy_add(&q, 2);
    entropy_add(&q, 1);
    CHECK(entropy_final(&p) != entropy_final(&q)); /* not a commutative XOR */
    /* a zero-padded tail differs from a word of zeros: the count is absorbed */
    uint8_t z[16] = {0};
    entropy_init(&p);
    entropy_add_bytes(&p, z, 8);
    entropy_init(&q);
    entropy_add_bytes(&q, z, 16);
    CHECK(entropy_final(&p) != entropy_final(&q));
    /* no device bytes: no words absorbed */
    entropy_init(&p);
    entropy_add_bytes(&p, z, 0);
    CHECK_EQ(p.n, 0);
    /* 9 bytes: two words, the second zero-padded little-endian */
    uint8_t b[9] = {1, 0, 0, 0, 0, 0, 0, 0, 0xab};
    entropy_init(&p);
    entropy_add_bytes(&p, b, 9);
    entropy_init(&q);
    entropy_add(&q, 1);
    entropy_add(&q, 0xab);
    CHECK_EQ(p.h, q.h);
    CHECK_EQ(p.n, 2);
}

/* splitmix64's output function, inverted: proves each step is a bijection. */
static uint64_t unxorshift(uint64_t z, int s)
{
    uint64_t x = z;
    for (int i = 0; i < 64 / s + 1; i++)
        x = z ^ (x >> s);
    return x;
}

static uint64_t inv64(uint64_t a) /* inverse of an odd a modulo 2^64 (Newton) */
{
    uint64_t x = a;
    for (int i = 0; i < 6; i++)
        x *= 2 - a * x;
    return x;
}

void test_entropy_last_word_bijective(void)
{
    /* Recover the absorbed word from the chaining value: h' = F(h ^ w), so
     * w = F^-1(h') ^ h.  An inverse exists, hence distinct words give
     * distinct pools whatever came before (any device input). */
    struct entropy_pool p;
    entropy_init(&p);
    entropy_add(&p, 0x0123456789abcdefULL); /* "device" */
    uint64_t before = p.h;
    uint64_t w = 0xfeedfacecafebeefULL; /* "rdrand" */
    entropy_add(&p, w);
    uint64_t z = unxorshift(p.h, 31);
    z *= inv64(0x94d049bb133111ebULL);
    z = unxorshift(z, 27);
    z *= inv64(0xbf58476d1ce4e5b9ULL);
    z = unxorshift(z, 30);
    z -= 0x9e3779b97f4a7c15ULL;
    CHECK_EQ(z ^ before, w);
}

void test_entropy_device_cannot_steer(void)
{
    /* Whatever a device supplies, the CPU word still selects among distinct
     * seeds: no collisions over 4096 RDRAND values for three hostile
     * inputs (all zero, all ones, a copy of the "rdrand" word). */
    uint8_t zero[32] = {0}, ones[32];
    memset(ones, 0xff, sizeof ones);
    static uint64_t seen[4096];
    for (int k = 0; k < 3; k++) {
        for (uint64_t r = 0; r < 4096; r++) {
            uint8_t copy[32];
            for (int i = 0; i < 32; i++)
                copy[i] = (uint8_t)(r >> (8 * (i % 8)));
            const uint8_t *dev = k == 0 ? zero : k == 1 ? ones : copy;
            seen[r] = seed_of(dev, 32, 7, r);
        }
        int dup = 0;
        for (int i = 0; i < 4096 && !dup; i++)
            for (int j = i + 1; j < 4096; j++)
                if (seen[i] == seen[j]) {
                    dup = 1;
                    break;
                }
        CHECK_EQ(dup, 0);
    }
}

void test_entropy_bit_balance(void)
{
    /* Sequential "rdrand" words with a fixed device input: each seed bit
     * is set in 50% +- 5% of 8192 seeds (a gross mixing check). */
    int count[64] = {0};
    uint8_t dev[32] = {0};
    for (uint64_t r = 0; r < 8192; r++) {
        uint64_t s = seed_of(dev, 32, 0, r);
        for (int b = 0; b < 64; b++)
            count[b] += (int)(s >> b & 1);
    }
    for (int b = 0; b < 64; b++)
        CHECK(count[b] > 8192 * 45 / 100 && count[b] < 8192 * 55 / 100);
}

void test_rng_legacy_geometry(void)
{
    /* virtio 0.9.5 2.3: used ring at the 4096-aligned offset after the
     * descriptors (16 * N) and the avail ring (6 + 2 * N). */
    CHECK_EQ(rng_legacy_used_off(8), 4096);
    CHECK_EQ(rng_legacy_bytes(8), 4096 + 6 + 64);
    CHECK_EQ(rng_legacy_used_off(128), 4096); /* 2048 + 262 */
    CHECK_EQ(rng_legacy_used_off(256), 8192); /* 4096 + 518 */
    CHECK_EQ(rng_legacy_bytes(256), 8192 + 6 + 2048);
}

void test_rng_legacy_sizes(void)
{
    uint64_t ring = 3 * 4096; /* early_rng.c's static ring */
    CHECK(rng_legacy_size_ok(1, ring));
    CHECK(rng_legacy_size_ok(8, ring));
    CHECK(rng_legacy_size_ok(256, ring));
    CHECK(!rng_legacy_size_ok(0, ring));
    CHECK(!rng_legacy_size_ok(3, ring));     /* not a power of two */
    CHECK(!rng_legacy_size_ok(512, ring));   /* above VIRTQ_MAX */
    CHECK(!rng_legacy_size_ok(32768, ring)); /* a hostile device */
    CHECK(!rng_legacy_size_ok(0xffff, ring));
    CHECK(!rng_legacy_size_ok(256, 8192)); /* does not fit a smaller ring */
    CHECK(rng_legacy_size_ok(128, 8192));
}

void test_rng_modern_sizes(void)
{
    uint64_t ring = 3 * 4096;
    CHECK_EQ(rng_modern_size(0, 8, ring), 0);
    CHECK_EQ(rng_modern_size(8, 0, ring), 0);
    CHECK_EQ(rng_modern_size(1024, 8, ring), 8);
    CHECK_EQ(rng_modern_size(8, 8, ring), 8);
    CHECK_EQ(rng_modern_size(5, 8, ring), 4);
    CHECK_EQ(rng_modern_size(1, 8, ring), 1);
    CHECK_EQ(rng_modern_size(0xffff, 0xffff, ring), 256);
    CHECK_EQ(rng_modern_size(0xffff, 0xffff, virtq_bytes(16)), 16);
    CHECK_EQ(rng_modern_size(8, 8, 10), 0); /* nothing fits */
}

/* The device side of the legacy layout, computed independently. */
static uint8_t ringmem[3 * 4096] __attribute__((aligned(4096)));

static void legacy_device_use(uint16_t n, uint32_t id, uint32_t len)
{
    uint64_t used = (16u * n + 6 + 2u * n + 4095) & ~4095u;
    uint16_t *uidx = (uint16_t *)(ringmem + used + 2);
    uint8_t *elem = ringmem + used + 4 + 8 * (*uidx % n);
    memcpy(elem, &id, 4);
    memcpy(elem + 4, &len, 4);
    (*uidx)++;
}

static void legacy_init(struct virtq *q, uint16_t n)
{
    memset(ringmem, 0, sizeof ringmem);
    virtq_init(q, ringmem, n, 0);
    q->used = (volatile struct virtq_used *)(ringmem + rng_legacy_used_off(n));
}

void test_rng_legacy_ring_with_device(void)
{
    static struct virtq q;
    uint16_t id;
    uint32_t len;
    /* the device finds the buffer where the legacy layout says */
    legacy_init(&q, 8);
    CHECK_EQ(virtq_add(&q, 0x123000, 32, VIRTQ_DESC_F_WRITE), 0);
    uint16_t avail_idx, slot0;
    memcpy(&avail_idx, ringmem + 16 * 8 + 2, 2);
    memcpy(&slot0, ringmem + 16 * 8 + 4, 2);
    CHECK_EQ(avail_idx, 1);
    CHECK_EQ(slot0, 0);
    uint64_t addr;
    memcpy(&addr, ringmem, 8);
    CHECK_EQ(addr, 0x123000);
    CHECK_EQ(virtq_get_used(&q, &id, &len), 0); /* nothing yet: keep polling */
    legacy_device_use(8, 0, 32);
    CHECK_EQ(virtq_get_used(&q, &id, &len), 1);
    CHECK_EQ(id, 0);
    CHECK_EQ(len, 32);
    /* hostile: more bytes than posted */
    legacy_init(&q, 8);
    virtq_add(&q, 0x123000, 32, VIRTQ_DESC_F_WRITE);
    legacy_device_use(8, 0, 33);
    CHECK_EQ(virtq_get_used(&q, &id, &len), -1);
    /* hostile: an id never posted */
    legacy_init(&q, 8);
    virtq_add(&q, 0x123000, 32, VIRTQ_DESC_F_WRITE);
    legacy_device_use(8, 5, 8);
    CHECK_EQ(virtq_get_used(&q, &id, &len), -1);
    /* hostile: id beyond the queue */
    legacy_init(&q, 8);
    virtq_add(&q, 0x123000, 32, VIRTQ_DESC_F_WRITE);
    legacy_device_use(8, 0xffffffffu, 8);
    CHECK_EQ(virtq_get_used(&q, &id, &len), -1);
    /* hostile: used index runs ahead of what is in flight */
    legacy_init(&q, 8);
    virtq_add(&q, 0x123000, 32, VIRTQ_DESC_F_WRITE);
    legacy_device_use(8, 0, 8);
    legacy_device_use(8, 0, 8); /* two used elements for one posted buffer */
    CHECK_EQ(virtq_get_used(&q, &id, &len), -1);
}
