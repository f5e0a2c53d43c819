/*
 * Ring geometry for the early virtio-rng reader (early_rng.c): pure, so
 * the host unit tests check it against hostile queue sizes.
 *
 * The legacy (virtio 0.9.5) interface fixes the layout from the device's
 * queue size alone: descriptors at 0, the avail ring right after, the used
 * ring at the next 4096-byte boundary (the register takes a page number).
 * The modern interface takes three addresses; there the driver-side layout
 * of drivers/virtq.c is used as is.
 */
#include "kaslr.h"
#include "virtio.h"

uint64_t rng_legacy_used_off(uint16_t size)
{
    return (virtq_avail_off(size) + 6 + 2ULL * size + 4095) & ~4095ULL;
}

uint64_t rng_legacy_bytes(uint16_t size)
{
    return rng_legacy_used_off(size) + 6 + 8ULL * size;
}

int rng_legacy_size_ok(uint16_t size, uint64_t ring_bytes)
{
    /* The legacy device dictates the size: it must be a power of two (the
     * ring indices wrap with a mask) and fit the static ring. */
    return size != 0 && size <= VIRTQ_MAX && (size & (size - 1)) == 0 &&
           rng_legacy_bytes(size) <= ring_bytes;
}

uint16_t rng_modern_size(uint16_t max, uint16_t want, uint64_t ring_bytes)
{
    /* The modern driver may choose any size up to the device's maximum:
     * the largest power of two <= min(max, want) whose ring fits; 0 if none. */
    uint16_t s = 1;
    if (max == 0 || want == 0)
        return 0;
    while ((uint32_t)s * 2 <= max && (uint32_t)s * 2 <= want && s * 2 <= VIRTQ_MAX)
        s = (uint16_t)(s * 2);
    while (s && virtq_bytes(s) > ring_bytes)
        s = (uint16_t)(s / 2);
    return s;
}
