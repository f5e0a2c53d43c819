/* Interfaces of the x86_64 architecture code. */
#ifndef ARCH_H
#define ARCH_H
#include <stdint.h>
#include "percpu.h"

/* Saved by arch/x86_64/isr.S on every interrupt and exception. */
struct trapframe {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

#define VEC_TIMER    0x20
#define VEC_RESCHED  0xf0
#define VEC_SPURIOUS 0xff

void gdt_init_cpu(struct percpu *c);
void idt_init(void);
void idt_load(void);
void percpu_init_bsp(void);

/* Local APIC */
void lapic_init(void);
void lapic_eoi(void);
uint32_t lapic_id(void);
void lapic_timer_start(uint32_t hz);
void lapic_timer_oneshot_ns(uint64_t ns); /* trace/sampler.c */
void lapic_send_ipi(uint32_t apic_id, uint32_t vector);
void lapic_send_nmi_all_others(void);
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, uint32_t page);
void lapic_timer_free_run(void);
uint32_t lapic_timer_read(void);
void lapic_timer_set_rate(uint32_t per_sec); /* LAPIC counts per second (div 16) */

/* Time */
void time_calibrate(void); /* TSC and LAPIC timer against the PIT */
extern uint32_t lapic_per_sec;
uint64_t tsc_khz(void);
void udelay(uint64_t us);

/* SMP */
int acpi_find_cpus(uint32_t *apic_ids, int max);
void smp_start(void);

/* fw_cfg / vmcoreinfo */
int vmcoreinfo_publish(uint64_t note_phys, uint32_t size);

void timer_irq(struct trapframe *tf);
void exception_handler(struct trapframe *tf);
#endif
