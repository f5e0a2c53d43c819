/* Kernel threads, scheduling, sleeping and mutexes. */
#ifndef SCHED_H
#define SCHED_H
#include <stdint.h>
#include "spinlock.h"

#define SCHED_HZ        250 /* timer ticks per second per CPU */
#define SCHED_SLICE     3   /* ticks per time slice (12 ms) */
#define THREAD_NAME_MAX 24

enum thread_state { T_RUNNABLE, T_RUNNING, T_SLEEPING, T_BLOCKED, T_DEAD };

struct thread {
    uint64_t rsp;        /* saved stack pointer while switched out */
    struct thread *next; /* run queue or wait list link */
    struct thread *sleep_next;
    volatile int state;
    volatile int on_cpu; /* still running its final switch-out */
    int cpu;
    int id;
    uint64_t wake_at; /* ns, when sleeping */
    void *stack;      /* base (lowest address) */
    uint64_t stack_size;
    void (*fn)(void *);
    void *arg;
    struct thread *joiner;
    uint64_t nr_switches; /* times switched in */
    uint64_t nr_wakeups;  /* times woken from sleep or a mutex */
    uint64_t runtime_ns;
    uint64_t last_in_ns;
    char name[THREAD_NAME_MAX];
};

struct mutex {
    spinlock_t lock;
    struct thread *owner;
    struct thread *wait_head, *wait_tail;
    uint64_t contended;
};
#define MUTEX_INIT                                                                                 \
    {                                                                                              \
        SPINLOCK_INIT, 0, 0, 0, 0                                                                  \
    }

void sched_init(void);
void sched_init_cpu(void);
void sched_idle_loop(void) __attribute__((__noreturn__));
void sched_preempt(void);
void sched_tick(void);
void schedule(void);
void sched_yield(void);

/* cpu = -1: round robin over the online CPUs. */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg, int cpu);
void thread_join(struct thread *t); /* waits and frees t */
void thread_exit(void) __attribute__((__noreturn__));
struct thread *thread_current(void);
void thread_wake(struct thread *t);
void thread_sleep_ns(uint64_t ns);

void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);

/* Hook for the instrumentation issue: called on every context switch
 * (prev -> next) on the current CPU, interrupts off. */
void sched_switch_hook(struct thread *prev, struct thread *next);

uint64_t sched_total_switches(void);
#endif
