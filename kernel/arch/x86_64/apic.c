/* Local APIC (xAPIC, MMIO through the direct map). */
#include "kernel.h"
#include "arch.h"
#include "layout.h"

#define LAPIC_PHYS       0xfee00000UL
#define LAPIC_ID         0x020
#define LAPIC_EOI        0x0b0
#define LAPIC_SVR        0x0f0
#define LAPIC_ICR_LO     0x300
#define LAPIC_ICR_HI     0x310
#define LAPIC_LVT_TIMER  0x320
#define LAPIC_LVT_LINT0  0x350
#define LAPIC_LVT_LINT1  0x360
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR  0x390
#define LAPIC_TIMER_DIV  0x3e0

static uint32_t timer_per_sec;

static inline volatile uint32_t *reg(uint32_t off)
{
    return (volatile uint32_t *)((uint8_t *)P2V(LAPIC_PHYS) + off);
}

/* The legacy 8259 PICs: remapped away from the exception vectors and
 * fully masked; all interrupts come through the local APIC. */
static void pic_disable(void)
{
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, 0x70);
    outb(0xa1, 0x78);
    outb(0x21, 4);
    outb(0xa1, 2);
    outb(0x21, 1);
    outb(0xa1, 1);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

void lapic_init(void)
{
    if (lapic_id() == 0 && !timer_per_sec)
        pic_disable();
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1UL << 11));
    *reg(LAPIC_SVR) = 0x100 | VEC_SPURIOUS;
    *reg(LAPIC_LVT_LINT0) = 1 << 16; /* masked */
    *reg(LAPIC_LVT_LINT1) = 1 << 16;
}

uint32_t lapic_id(void)
{
    return *reg(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
    *reg(LAPIC_EOI) = 0;
}

static void icr_wait(void)
{
    for (int i = 0; i < 1000000 && (*reg(LAPIC_ICR_LO) & (1 << 12)); i++)
        cpu_relax();
}

static void icr_send(uint32_t apic_id, uint32_t lo)
{
    uint64_t f = irq_save();
    icr_wait();
    *reg(LAPIC_ICR_HI) = apic_id << 24;
    *reg(LAPIC_ICR_LO) = lo;
    icr_wait();
    irq_restore(f);
}

void lapic_send_ipi(uint32_t apic_id, uint32_t vector)
{
    icr_send(apic_id, vector);
}

void lapic_send_nmi_all_others(void)
{
    /* shorthand 11 = all excluding self, delivery mode NMI */
    icr_send(0, (3 << 18) | (4 << 8));
}

void lapic_send_init(uint32_t apic_id)
{
    icr_send(apic_id, (5 << 8) | (1 << 14)); /* INIT, level assert */
}

void lapic_send_sipi(uint32_t apic_id, uint32_t page)
{
    icr_send(apic_id, (6 << 8) | (page & 0xff));
}

/* Calibration helpers (used by time_calibrate in tsc.c): free-running
 * countdown from 0xffffffff, divide by 16, masked. */
void lapic_timer_free_run(void)
{
    *reg(LAPIC_TIMER_DIV) = 3;
    *reg(LAPIC_LVT_TIMER) = 1 << 16;
    *reg(LAPIC_TIMER_INIT) = 0xffffffff;
}

uint32_t lapic_timer_read(void)
{
    return *reg(LAPIC_TIMER_CUR);
}

void lapic_timer_set_rate(uint32_t per_sec)
{
    *reg(LAPIC_TIMER_INIT) = 0;
    timer_per_sec = per_sec;
}

/* One-shot: one interrupt after `ns` nanoseconds; the sampling profiler
 * re-arms it at every interrupt with a jittered period (trace/sampler.c). */
void lapic_timer_oneshot_ns(uint64_t ns)
{
    uint64_t count = (uint64_t)timer_per_sec * ns / 1000000000ull;
    *reg(LAPIC_TIMER_DIV) = 3;
    *reg(LAPIC_LVT_TIMER) = VEC_TIMER; /* one-shot */
    *reg(LAPIC_TIMER_INIT) = count ? (uint32_t)count : 1;
}

void lapic_timer_start(uint32_t hz)
{
    *reg(LAPIC_TIMER_DIV) = 3;
    *reg(LAPIC_LVT_TIMER) = VEC_TIMER | (1 << 17); /* periodic */
    *reg(LAPIC_TIMER_INIT) = timer_per_sec / hz;
}
