/* TSC calibration against PIT channel 2, and TSC-based nanosecond time. */
#include "kernel.h"
#include "arch.h"

static uint64_t khz;
static uint64_t tsc_base;
static uint64_t ns_mult; /* ns = (tsc delta * ns_mult) >> 32 */

/*
 * TSC and LAPIC timer rates against PIT channel 2.  Instead of waiting for
 * the PIT to expire (under TCG the vCPU may not be running when it does,
 * which inflates the window), both ends of the window read the PIT count
 * directly, each paired with a TSC and LAPIC read; of several tries per end,
 * the pair with the shortest TSC bracket is kept.  Host descheduling inside
 * the window then does not matter: all three clocks run in real time.
 */
#define PIT_HZ    1193182UL
#define CAL_TICKS 5966 /* 5 ms */

uint32_t lapic_per_sec;

struct cal_sample {
    uint16_t pit;
    uint32_t lapic;
    uint64_t tsc;
};

static uint16_t pit2_read(void)
{
    outb(0x43, 0x80); /* latch channel 2 */
    uint8_t lo = inb(0x42);
    uint8_t hi = inb(0x42);
    return (uint16_t)(lo | hi << 8);
}

static struct cal_sample cal_sample(void)
{
    struct cal_sample best = {0, 0, 0};
    uint64_t best_gap = ~0UL;
    for (int i = 0; i < 8; i++) {
        uint64_t t0 = rdtsc();
        uint16_t pit = pit2_read();
        uint32_t lapic = lapic_timer_read();
        uint64_t t1 = rdtsc();
        if (t1 - t0 < best_gap) {
            best_gap = t1 - t0;
            best = (struct cal_sample){pit, lapic, t0 + (t1 - t0) / 2};
        }
    }
    return best;
}

void time_calibrate(void)
{
    lapic_timer_free_run();
    outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
    outb(0x43, 0xb0);                       /* channel 2, lo/hi, mode 0 */
    outb(0x42, 0xff);
    outb(0x42, 0xff);
    struct cal_sample a = cal_sample(), b;
    do
        b = cal_sample();
    while ((uint16_t)(a.pit - b.pit) < CAL_TICKS);
    uint64_t ticks = (uint16_t)(a.pit - b.pit);
    khz = (b.tsc - a.tsc) * PIT_HZ / ticks / 1000;
    if (!khz)
        khz = 1000000;
    ns_mult = (1000000UL << 32) / khz;
    tsc_base = rdtsc();
    lapic_per_sec = (uint32_t)((uint64_t)(a.lapic - b.lapic) * PIT_HZ / ticks);
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
