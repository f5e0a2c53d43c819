/* The IDT: every vector has a stub (isr.S); exceptions go to the panic
 * path, the rest to their handlers.  Double fault, NMI and machine check
 * use IST stacks 1-3 (gdt.c). */
#include "kernel.h"
#include "arch.h"
#include "idt.h"
#include "sched.h"
#include "trace.h"

static struct idt_gate idt[256];
extern const uint64_t isr_stub_table[256];

void idt_init(void)
{
    for (int v = 0; v < 256; v++)
        idt_set_gate(&idt[v], isr_stub_table[v], 0);
    idt_set_gate(&idt[2], isr_stub_table[2], 2);   /* NMI */
    idt_set_gate(&idt[8], isr_stub_table[8], 1);   /* double fault */
    idt_set_gate(&idt[18], isr_stub_table[18], 3); /* machine check */
    idt_load();
}

void idt_load(void)
{
    idt_load_table(idt, 256);
}

void isr_dispatch(struct trapframe *tf)
{
    struct percpu *c = this_cpu();
    if (tf->vector < 32) {
        trace_exception(tf->vector, tf->rip);
        if (tf->vector == 14)
            trace_page_fault(read_cr2(), tf->rip, (uint32_t)tf->error);
        exception_handler(tf);
        return;
    }
    trace_irq_entry(tf->vector, tf->rip);
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
    case VEC_TRACE_STOP:
        lapic_eoi();
        trace_stop_ipi();
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
