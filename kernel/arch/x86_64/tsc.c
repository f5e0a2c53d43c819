/* TSC calibration against PIT channel 2, and TSC-based nanosecond time. */
#include "kernel.h"
#include "arch.h"

static uint64_t khz;
static uint64_t tsc_base;
static uint64_t ns_mult; /* ns = (tsc delta * ns_mult) >> 32 */

/* Busy-waits ~ms milliseconds on PIT channel 2 (one-shot, gate via port 0x61). */
static void pit_wait_ms(unsigned ms)
{
    uint32_t count = 1193182 * ms / 1000;
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);
    outb(0x43, 0xb0); /* channel 2, lo/hi, mode 0 */
    outb(0x42, count & 0xff);
    outb(0x42, (count >> 8) & 0xff);
    while (!(inb(0x61) & 0x20))
        ;
}

void tsc_calibrate(void)
{
    /* Best of three 10 ms windows: TCG can be preempted by the host. */
    uint64_t best = ~0UL;
    for (int i = 0; i < 3; i++) {
        uint64_t t0 = rdtsc();
        pit_wait_ms(10);
        uint64_t d = rdtsc() - t0;
        if (d < best)
            best = d;
    }
    khz = best / 10;
    if (!khz)
        khz = 1000000;
    ns_mult = (1000000UL << 32) / khz;
    tsc_base = rdtsc();
}

uint64_t tsc_khz(void)
{
    return khz;
}

uint64_t now_ns(void)
{
    if (!khz)
        return 0;
    uint64_t d = rdtsc() - tsc_base;
    return (uint64_t)(((unsigned __int128)d * ns_mult) >> 32);
}

void udelay(uint64_t us)
{
    uint64_t end = rdtsc() + us * khz / 1000;
    while (rdtsc() < end)
        cpu_relax();
}
