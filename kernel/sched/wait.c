/*
 * Wait queues with an event count (include/wait.h).  Waiters are nodes on
 * their own stacks, linked while they wait and unlinked by themselves
 * when they run again (woken or timed out), so the waker never touches a
 * node after its owner left.  Lock order: q->lock, then a run-queue lock
 * (thread_wake, thread_sleep_unlock).
 */
#include "kernel.h"
#include "sched.h"
#include "wait.h"

struct waiter {
    struct thread *t;
    struct waiter *next;
};

uint64_t waitq_seq(struct waitq *q)
{
    return __atomic_load_n(&q->seq, __ATOMIC_ACQUIRE);
}

int waitq_wait(struct waitq *q, uint64_t seen, uint64_t deadline_ns)
{
    struct waiter w = {thread_current(), 0};
    uint64_t f = spin_lock_irqsave(&q->lock);
    if (q->seq == seen && now_ns() < deadline_ns) {
        w.next = q->head;
        q->head = &w;
        thread_sleep_unlock(&q->lock, deadline_ns);
        spin_lock(&q->lock);
        struct waiter **pp = &q->head;
        while (*pp && *pp != &w)
            pp = &(*pp)->next;
        if (*pp)
            *pp = w.next;
    }
    int moved = q->seq != seen;
    spin_unlock_irqrestore(&q->lock, f);
    return moved;
}

int waitq_wake_all(struct waitq *q)
{
    uint64_t f = spin_lock_irqsave(&q->lock);
    __atomic_store_n(&q->seq, q->seq + 1, __ATOMIC_RELEASE);
    int n = 0;
    for (struct waiter *w = q->head; w; w = w->next, n++)
        thread_wake(w->t);
    spin_unlock_irqrestore(&q->lock, f);
    return n;
}

void waitq_bump(struct waitq *q)
{
    uint64_t f = spin_lock_irqsave(&q->lock);
    __atomic_store_n(&q->seq, q->seq + 1, __ATOMIC_RELEASE);
    spin_unlock_irqrestore(&q->lock, f);
}
