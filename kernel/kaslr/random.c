/* Boot entropy: RDRAND, TSC jitter and (when present) virtio-rng bytes,
 * mixed into the one 64-bit KASLR seed (entropy.c).  RDSEED is not used:
 * QEMU TCG's -cpu max implements RDRAND but does not advertise RDSEED
 * (reference/pvh-boot.md). */
#include "kaslr.h"
#include "bootinfo.h"
#include "x86.h"

static int rdrand64(uint64_t *v)
{
    for (int i = 0; i < 32; i++) {
        uint8_t ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
        if (ok)
            return 1;
    }
    return 0;
}

/* The low bits of the TSC across port reads (each an exit to the
 * hypervisor): weak, but free and always there. */
static uint64_t tsc_jitter64(void)
{
    uint64_t s = rdtsc();
    for (int i = 0; i < 64; i++) {
        (void)inb(0x80);
        s = (s << 5 | s >> 59) ^ rdtsc();
    }
    return s;
}

uint64_t boot_seed(const uint8_t *dev, size_t ndev, uint32_t *source)
{
    struct entropy_pool p;
    uint32_t a, b, c, d;
    uint64_t v;

    entropy_init(&p);
    /* Least trusted first (see entropy.c): the device cannot see what follows. */
    entropy_add_bytes(&p, dev, ndev);
    entropy_add(&p, tsc_jitter64());
    *source = SEED_TSC;
    cpuid(1, 0, &a, &b, &c, &d);
    if ((c & (1u << 30)) && rdrand64(&v)) {
        entropy_add(&p, v);
        *source = SEED_RDRAND;
    }
    if (ndev)
        *source |= SEED_F_VIRTIO_RNG;
    return entropy_final(&p);
}
