/* The IDT: every vector has a stub (isr.S); exceptions go to the panic
 * path, the rest to their handlers.  Double fault, NMI and machine check
 * use IST stacks 1-3 (gdt.c).
 *
 * Device interrupts (MSI-X, drivers/pci.c) get vectors from a small
 * allocator: VEC_DEV_FIRST..VEC_DEV_LAST, each with one handler that runs
 * with interrupts off after the EOI.  Vectors are never freed (drivers
 * start once and stay); the table is written before the device is told
 * the vector, and read by the dispatcher on any CPU. */
#include "kernel.h"
#include "arch.h"
#include "idt.h"
#include "sched.h"
#include "trace.h"

static struct idt_gate idt[256];
extern const uint64_t isr_stub_table[256];

struct dev_vector {
    void (*fn)(void *arg);
    void *arg;
};
static struct dev_vector dev_vec[VEC_DEV_LAST - VEC_DEV_FIRST + 1];
static int dev_vec_next = VEC_DEV_FIRST;
static spinlock_t dev_vec_lock = SPINLOCK_INIT;

int idt_alloc_vector(void (*fn)(void *arg), void *arg)
{
    uint64_t f = spin_lock_irqsave(&dev_vec_lock);
    int v = -1;
    if (dev_vec_next <= VEC_DEV_LAST) {
        v = dev_vec_next++;
        dev_vec[v - VEC_DEV_FIRST].arg = arg;
        /* Published last: the dispatcher may look at it at once. */
        __atomic_store_n(&dev_vec[v - VEC_DEV_FIRST].fn, fn, __ATOMIC_RELEASE);
    }
    spin_unlock_irqrestore(&dev_vec_lock, f);
    return v;
}

/* A device vector: EOI first (the handler may wake a thread on this CPU;
 * an edge-triggered MSI arriving meanwhile stays pending in the IRR until
 * iretq re-enables interrupts), then the handler.  1 if it was one. */
static int dev_irq(uint64_t vector)
{
    if (vector < VEC_DEV_FIRST || vector > VEC_DEV_LAST)
        return 0;
    struct dev_vector *d = &dev_vec[vector - VEC_DEV_FIRST];
    void (*fn)(void *) = __atomic_load_n(&d->fn, __ATOMIC_ACQUIRE);
    if (!fn)
        return 0;
    lapic_eoi();
    fn(d->arg);
    return 1;
}

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
        if (dev_irq(tf->vector))
            break;
        lapic_eoi();
        printk("irq: unexpected vector %lu on cpu %d\n", tf->vector, (int)c->cpu);
    }
    c->irq_depth--;
    trace_irq_exit(tf->vector);
    /* Preempt on the way out, with interrupts still off; iretq restores IF. */
    if (c->need_resched && c->irq_depth == 0)
        sched_preempt();
}
