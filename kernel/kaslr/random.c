/* Boot entropy.  RDSEED is not used: QEMU TCG's -cpu max implements
 * RDRAND but does not advertise RDSEED (reference/pvh-boot.md). */
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

uint64_t hw_random64(uint32_t *source)
{
    uint32_t a, b, c, d;
    uint64_t v;
    cpuid(1, 0, &a, &b, &c, &d);
    if ((c & (1u << 30)) && rdrand64(&v)) {
        *source = SEED_RDRAND;
        return v;
    }
    /* Fallback: the low bits of the TSC jitter between port reads. */
    uint64_t s = rdtsc();
    for (int i = 0; i < 64; i++) {
        (void)inb(0x80);
        s = (s << 5 | s >> 59) ^ rdtsc();
    }
    *source = SEED_TSC;
    return splitmix64(&s);
}
