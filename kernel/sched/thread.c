/* Thread creation, exit and join. */
#include "kernel.h"
#include "mm.h"
#include "percpu.h"
#include "trace.h"
#include "sched.h"
#include "string.h"

static int next_id = 1;
static int next_cpu;

void sched_enqueue(struct thread *t);
void sched_finish_switch(void);

/* First code a new thread runs (reached by switch_to's ret). */
static void thread_entry(void)
{
    sched_finish_switch();
    sti();
    struct thread *t = thread_current();
    t->fn(t->arg);
    thread_exit();
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg, int cpu)
{
    struct thread *t = kzalloc(sizeof *t);
    if (!t)
        return 0;
    t->stack_size = KSTACK_SIZE;
    t->stack = stack_alloc(KSTACK_SIZE);
    t->fn = fn;
    t->arg = arg;
    t->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
    strncpy_z(t->name, name, sizeof t->name);
    if (cpu < 0 || cpu >= ncpus)
        cpu = __atomic_fetch_add(&next_cpu, 1, __ATOMIC_RELAXED) % ncpus;
    t->cpu = cpu;
    /* Initial frame for switch_to: r15 r14 r13 r12 rbx rbp, then return
     * address thread_entry and a zero "return address" ending backtraces. */
    uint64_t *sp = (uint64_t *)((uint8_t *)t->stack + KSTACK_SIZE);
    *--sp = 0;
    *--sp = (uint64_t)thread_entry;
    for (int i = 0; i < 6; i++)
        *--sp = 0;
    t->rsp = (uint64_t)sp;
    t->state = T_RUNNABLE;
    trace_ev_thread_name(t);
    sched_enqueue(t);
    return t;
}

/* join_lock orders a thread's death against its joiner going to sleep,
 * so the wake-up cannot be lost. */
static spinlock_t join_lock = SPINLOCK_INIT;

void thread_exit(void)
{
    struct thread *t = thread_current();
    cli();
    uint64_t f = spin_lock_irqsave(&join_lock);
    t->state = T_DEAD;
    struct thread *j = t->joiner;
    spin_unlock_irqrestore(&join_lock, f);
    if (j)
        thread_wake(j);
    schedule();
    panic("dead thread %s rescheduled", t->name);
}

void thread_join(struct thread *t)
{
    struct thread *me = thread_current();
    uint64_t f = spin_lock_irqsave(&join_lock);
    if (t->state != T_DEAD) {
        t->joiner = me;
        me->state = T_BLOCKED;
        spin_unlock(&join_lock); /* interrupts stay off until we sleep */
        schedule();              /* returns once thread_exit woke us */
        irq_restore(f);
    } else {
        spin_unlock_irqrestore(&join_lock, f);
    }
    while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
        cpu_relax();
    stack_free(t->stack, t->stack_size);
    kfree(t);
}
