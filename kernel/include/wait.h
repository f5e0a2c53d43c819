/*
 * Wait queues with an event count (kernel/sched/wait.c): a thread sleeps
 * until an event (typically a device interrupt) or a deadline.
 *
 * The lost-wakeup rule: read the count with waitq_seq() BEFORE checking
 * the condition you wait for (e.g. polling a used ring), and pass what you
 * read to waitq_wait(): it returns at once if waitq_wake_all() ran since,
 * so an event that lands between the check and the sleep is not missed.
 * The waker makes its change visible first (the device wrote the used
 * ring before sending its MSI), then calls waitq_wake_all().  A return
 * from waitq_wait() says only "look again": the condition is re-checked.
 */
#ifndef WAIT_H
#define WAIT_H
#include <stdint.h>
#include "spinlock.h"

struct waiter; /* on the waiting thread's stack while it waits */

struct waitq {
    spinlock_t lock;
    uint64_t seq; /* waitq_wake_all calls so far */
    struct waiter *head;
};
#define WAITQ_INIT                                                                                 \
    {                                                                                              \
        SPINLOCK_INIT, 0, 0                                                                        \
    }

uint64_t waitq_seq(struct waitq *q);
/* Sleeps until a waitq_wake_all after `seen` was read, or until the
 * absolute time `deadline_ns` (now_ns; ~0 = none).  1 if the count moved,
 * 0 on the deadline.  Thread context only, no spinlock held. */
int waitq_wait(struct waitq *q, uint64_t seen, uint64_t deadline_ns);
/* Bumps the count and wakes every waiter; any context, including an
 * interrupt handler.  Returns how many threads were waiting. */
int waitq_wake_all(struct waitq *q);
/* Bumps the count without waking anyone (the event will be handled by a
 * thread that is awake anyway); a later waitq_wait with an older `seen`
 * returns at once. */
void waitq_bump(struct waitq *q);

/* The scheduler side (sched/sched.c): marks the current thread sleeping
 * until `wake_at` (or thread_wake), then releases `lock` and switches
 * away.  Called with interrupts off and `lock` held; returns with
 * interrupts still off and `lock` released.  Because the thread is marked
 * sleeping before `lock` is released, a waker that takes `lock` and calls
 * thread_wake cannot miss it. */
void thread_sleep_unlock(spinlock_t *lock, uint64_t wake_at);
#endif
