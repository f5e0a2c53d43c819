/* TSC calibration against PIT channel 2, and TSC-based nanosecond time. */
#include "kernel.h"
#include "arch.h"

static uint64_t khz;
static uint64_t tsc_base;
static uint64_t ns_mult; /* ns = (tsc delta * ns_mult) >> 32 */

/* Busy-waits ~ms milliseconds on PIT channel 2 (one-shot, gate via port 0x61). */
void pit_wait_ms(unsigned ms)
{
    uint32_t count = 1193182 * ms / 1000;
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);
    outb(0x43, 0xb0); /* channel 2, lo/hi, mode 0 */
    outb(0x42, count & 0xff);
    outb(0x42, (count >> 8) & 0xff);
    while (!(inb(0x61) & 0x20))
        ;
}

/* TSC and LAPIC timer rates from the same PIT windows: best (shortest)
 * of three 5 ms windows, since TCG can be preempted by the host and a
 * preempted window only ever looks longer. */
uint32_t lapic_per_sec;

void time_calibrate(void)
{
    uint64_t best = ~0UL;
    uint32_t best_lapic = 0;
    lapic_timer_free_run();
    for (int i = 0; i < 3; i++) {
        uint64_t t0 = rdtsc();
        uint32_t c0 = lapic_timer_read();
        pit_wait_ms(5);
        uint32_t c1 = lapic_timer_read();
        uint64_t d = rdtsc() - t0;
        if (d < best) {
            best = d;
            best_lapic = c0 - c1;
        }
    }
    khz = best / 5;
    if (!khz)
        khz = 1000000;
    ns_mult = (1000000UL << 32) / khz;
    tsc_base = rdtsc();
    lapic_per_sec = best_lapic * 200;
    lapic_timer_set_rate(lapic_per_sec);
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
