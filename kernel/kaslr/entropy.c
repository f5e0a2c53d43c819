/*
 * The entropy pool behind the KASLR seed: a chain of bijections.
 *
 * Each 64-bit word w is absorbed as h' = F(h ^ w), where F is
 * splitmix64's output function (xor-shifts and multiplications by odd
 * constants: a bijection of 64-bit values).  For fixed other inputs the
 * final value is therefore a bijection of any single word, so the seed is
 * uniform as soon as one absorbed word is uniform and independent of the
 * words absorbed after it.  The caller absorbs the least trusted source
 * first (a virtio-rng device, which the host controls) and RDRAND last: a
 * device cannot cancel or steer words it cannot see, unlike a plain XOR
 * where a device that learnt the other value could choose the result.
 *
 * Pure code: no hardware, shared with the host unit tests.
 */
#include "kaslr.h"

void entropy_init(struct entropy_pool *p)
{
    p->h = 0x5eed0000u; /* any constant: the domain of this pool */
    p->n = 0;
}

void entropy_add(struct entropy_pool *p, uint64_t w)
{
    uint64_t s = p->h ^ w;
    p->h = splitmix64(&s);
    p->n++;
}

void entropy_add_bytes(struct entropy_pool *p, const uint8_t *b, size_t len)
{
    /* Little-endian words; a short tail is zero-padded, and entropy_final
     * absorbs the word count, so different lengths cannot collide trivially. */
    for (size_t i = 0; i < len; i += 8) {
        uint64_t w = 0;
        for (size_t k = 0; k < 8 && i + k < len; k++)
            w |= (uint64_t)b[i + k] << (8 * k);
        entropy_add(p, w);
    }
}

uint64_t entropy_final(const struct entropy_pool *p)
{
    struct entropy_pool q = *p;
    entropy_add(&q, q.n);
    return q.h;
}
