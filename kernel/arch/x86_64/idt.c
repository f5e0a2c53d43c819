/* The IDT: every vector has a stub (isr.S); exceptions go to the panic
 * path, the rest to their handlers.  Double fault, NMI and machine check
 * use IST stacks 1-3 (gdt.c). */
#include "kernel.h"
#include "arch.h"
#include "sched.h"
#include "trace.h"

struct idt_entry {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
} __attribute__((packed));

static struct idt_entry idt[256];
extern const uint64_t isr_stub_table[256];

static void set_gate(int v, uint64_t addr, int ist)
{
    idt[v].off_lo = addr & 0xffff;
    idt[v].sel = 0x08;
    idt[v].ist = (uint8_t)ist;
    idt[v].type = 0x8e; /* present, interrupt gate: IF cleared on entry */
    idt[v].off_mid = (addr >> 16) & 0xffff;
    idt[v].off_hi = (uint32_t)(addr >> 32);
    idt[v].zero = 0;
}

void idt_init(void)
{
    for (int v = 0; v < 256; v++)
        set_gate(v, isr_stub_table[v], 0);
    set_gate(2, isr_stub_table[2], 2);   /* NMI */
    set_gate(8, isr_stub_table[8], 1);   /* double fault */
    set_gate(18, isr_stub_table[18], 3); /* machine check */
    idt_load();
}

void idt_load(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = {sizeof idt - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" : : "m"(idtr));
}

void isr_dispatch(struct trapframe *tf)
{
    struct percpu *c = this_cpu();
    if (tf->vector < 32) {
        trace_exception(tf->vector, tf->rip);
        exception_handler(tf);
        return;
    }
    trace_irq_entry(tf->vector);
    c->irq_depth++;
    c->nr_irqs++;
    switch (tf->vector) {
    case VEC_TIMER:
        lapic_eoi();
        timer_irq(tf);
        break;
    case VEC_RESCHED:
        lapic_eoi();
        c->need_resched = 1;
        break;
    case VEC_SPURIOUS:
        break;
    default:
        lapic_eoi();
        printk("irq: unexpected vector %lu on cpu %d\n", tf->vector, (int)c->cpu);
    }
    c->irq_depth--;
    trace_irq_exit(tf->vector);
    /* Preempt on the way out, with interrupts still off; iretq restores IF. */
    if (c->need_resched && c->irq_depth == 0)
        sched_preempt();
}
