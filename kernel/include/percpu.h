/*
 * Per-CPU area, reached through GS (gs:0 holds the area's own address).
 * The `trace` fields are reserved for the instrumentation issue: each CPU
 * will own a ring of trace pages.
 */
#ifndef PERCPU_H
#define PERCPU_H
#include <stdint.h>
#include "spinlock.h"

struct thread;

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

struct runqueue {
    spinlock_t lock;
    struct thread *head, *tail; /* FIFO of runnable threads */
    struct thread *sleepers;    /* sorted by wake time */
    uint32_t nr_runnable;
};

struct percpu {
    struct percpu *self; /* must stay first: gs:0 */
    uint32_t cpu;        /* logical index 0..ncpus-1 */
    uint32_t apic_id;
    struct thread *current;
    struct thread *idle;
    struct runqueue rq;
    volatile int need_resched;
    int irq_depth;
    int online;
    uint64_t ticks;
    uint64_t nr_switches;
    uint64_t nr_irqs;
    uint64_t slice_end_tick;
    uint64_t gdt[7];
    struct tss tss;
    /* Reserved for the trace ring (instrumentation issue). */
    void *trace_ring;
    uint64_t trace_reserved[15];
} __attribute__((aligned(4096)));

extern struct percpu percpu_area[];
extern int ncpus;

static inline struct percpu *this_cpu(void)
{
    struct percpu *p;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(p));
    return p;
}
static inline int cpu_id(void)
{
    return (int)this_cpu()->cpu;
}
#endif
