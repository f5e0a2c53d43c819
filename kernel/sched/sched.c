/*
 * Per-CPU round-robin scheduler.  Threads stay on the CPU they were
 * created for; each CPU has a FIFO run queue, a sorted sleeper list and
 * an idle thread that halts.  The LAPIC timer (SCHED_HZ) drives time
 * slices and sleeper wake-ups; a wake-up on another CPU sends it a
 * reschedule IPI.
 *
 * Locking: a CPU's rq.lock protects its queues and the state of the
 * threads on it.  schedule() holds it across switch_to; the thread
 * switched to releases it (sched_finish_switch).
 */
#include "kernel.h"
#include "arch.h"
#include "mm.h"
#include "percpu.h"
#include "sched.h"
#include "string.h"
#include "trace.h"
#include "wait.h"

static struct thread *switch_prev[MAX_CPUS];
extern void switch_to(uint64_t *save_rsp, uint64_t new_rsp);

/* Called on every context switch, interrupts off (see sched.h). */
void sched_switch_hook(struct thread *prev, struct thread *next)
{
    trace_sched_switch(prev, next);
}

struct thread *thread_current(void)
{
    return this_cpu()->current;
}

static void rq_append(struct runqueue *rq, struct thread *t)
{
    t->next = 0;
    if (rq->tail)
        rq->tail->next = t;
    else
        rq->head = t;
    rq->tail = t;
    rq->nr_runnable++;
}

static struct thread *rq_pop(struct runqueue *rq)
{
    struct thread *t = rq->head;
    if (t) {
        rq->head = t->next;
        if (!rq->head)
            rq->tail = 0;
        rq->nr_runnable--;
    }
    return t;
}

/* After enqueueing on CPU `cpu`: make sure it notices. */
static void kick(int cpu)
{
    struct percpu *c = &percpu_area[cpu];
    if (cpu == cpu_id())
        c->need_resched = 1;
    else if (c->online && c->current == c->idle)
        lapic_send_ipi(c->apic_id, VEC_RESCHED);
}

void sched_enqueue(struct thread *t)
{
    struct percpu *c = &percpu_area[t->cpu];
    uint64_t f = irq_save();
    spin_lock(&c->rq.lock);
    t->state = T_RUNNABLE;
    rq_append(&c->rq, t);
    spin_unlock(&c->rq.lock);
    kick(t->cpu);
    irq_restore(f);
}

void thread_wake(struct thread *t)
{
    struct percpu *c = &percpu_area[t->cpu];
    uint64_t f = irq_save();
    spin_lock(&c->rq.lock);
    int woke = 0;
    if (t->state == T_BLOCKED || t->state == T_SLEEPING) {
        if (t->state == T_SLEEPING) {
            /* unlink from the sleeper list */
            struct thread **pp = &c->rq.sleepers;
            while (*pp && *pp != t)
                pp = &(*pp)->sleep_next;
            if (*pp)
                *pp = t->sleep_next;
        }
        t->state = T_RUNNABLE;
        t->nr_wakeups++;
        trace_sched_wakeup(t, cpu_id());
        rq_append(&c->rq, t);
        woke = 1;
    }
    spin_unlock(&c->rq.lock);
    if (woke)
        kick(t->cpu);
    irq_restore(f);
}

void sched_finish_switch(void)
{
    struct percpu *c = this_cpu();
    struct thread *prev = switch_prev[c->cpu];
    spin_unlock(&c->rq.lock);
    if (prev)
        __atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE);
}

void schedule(void)
{
    uint64_t f = irq_save();
    struct percpu *c = this_cpu();
    struct thread *prev = c->current;
    spin_lock(&c->rq.lock);
    if (prev->state == T_RUNNING && prev != c->idle) {
        prev->state = T_RUNNABLE;
        rq_append(&c->rq, prev);
    }
    struct thread *next = rq_pop(&c->rq);
    if (!next)
        next = c->idle;
    c->need_resched = 0;
    c->slice_end_tick = c->ticks + SCHED_SLICE;
    if (next == prev) {
        prev->state = T_RUNNING;
        spin_unlock(&c->rq.lock);
        irq_restore(f);
        return;
    }
    uint64_t now = now_ns();
    prev->runtime_ns += now - prev->last_in_ns;
    next->last_in_ns = now;
    next->state = T_RUNNING;
    next->on_cpu = 1;
    next->nr_switches++;
    c->nr_switches++;
    c->current = next;
    sched_switch_hook(prev, next);
    switch_prev[c->cpu] = prev;
    switch_to(&prev->rsp, next->rsp);
    sched_finish_switch();
    irq_restore(f);
}

void sched_preempt(void)
{
    struct percpu *c = this_cpu();
    if (c->current)
        schedule();
}

void sched_yield(void)
{
    schedule();
}

/* Interrupts off; `lock` (may be NULL) is released after the thread is
 * on the sleeper list (wait.h explains why). */
void thread_sleep_unlock(spinlock_t *lock, uint64_t wake_at)
{
    struct thread *me = thread_current();
    struct percpu *c = this_cpu();
    spin_lock(&c->rq.lock);
    me->wake_at = wake_at;
    me->state = T_SLEEPING;
    struct thread **pp = &c->rq.sleepers;
    while (*pp && (*pp)->wake_at <= me->wake_at)
        pp = &(*pp)->sleep_next;
    me->sleep_next = *pp;
    *pp = me;
    spin_unlock(&c->rq.lock);
    if (lock)
        spin_unlock(lock);
    schedule();
}

void thread_sleep_ns(uint64_t ns)
{
    uint64_t f = irq_save();
    thread_sleep_unlock(0, now_ns() + ns);
    irq_restore(f);
}

/* Timer interrupt, interrupts off. */
void timer_irq(struct trapframe *tf)
{
    if (!trace_timer_irq(tf)) /* the sampler may run the timer faster than SCHED_HZ */
        return;
    trace_timer_tick(cpu_id());
    sched_tick();
}

void sched_tick(void)
{
    struct percpu *c = this_cpu();
    c->ticks++;
    if (!c->current)
        return;
    uint64_t now = now_ns();
    spin_lock(&c->rq.lock);
    while (c->rq.sleepers && c->rq.sleepers->wake_at <= now) {
        struct thread *t = c->rq.sleepers;
        c->rq.sleepers = t->sleep_next;
        t->state = T_RUNNABLE;
        t->nr_wakeups++;
        trace_sched_wakeup(t, (int)c->cpu);
        rq_append(&c->rq, t);
    }
    int runnable = c->rq.head != 0;
    spin_unlock(&c->rq.lock);
    if (runnable && (c->current == c->idle || c->ticks >= c->slice_end_tick))
        c->need_resched = 1;
}

/* Turns the code running on this CPU into its idle thread. */
void sched_init_cpu(void)
{
    struct percpu *c = this_cpu();
    struct thread *idle = kzalloc(sizeof *idle);
    if (!idle)
        panic("sched: no memory for idle thread");
    snprintf(idle->name, sizeof idle->name, "idle/%u", c->cpu);
    idle->state = T_RUNNING;
    idle->on_cpu = 1;
    idle->cpu = (int)c->cpu;
    idle->last_in_ns = now_ns();
    c->idle = idle;
    c->current = idle;
}

void sched_idle_loop(void)
{
    struct percpu *c = this_cpu();
    for (;;) {
        cli();
        if (c->rq.head || c->need_resched) {
            schedule();
            sti();
        } else {
            /* sti takes effect after hlt starts: no lost wake-up. */
            __asm__ volatile("sti; hlt" ::: "memory");
        }
    }
}

uint64_t sched_total_switches(void)
{
    uint64_t n = 0;
    for (int i = 0; i < ncpus; i++)
        n += percpu_area[i].nr_switches;
    return n;
}

void sched_init(void)
{
    sched_init_cpu();
}
