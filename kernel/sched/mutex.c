/* Sleeping mutex with FIFO hand-off: unlock passes ownership directly to
 * the first waiter and wakes it, so waiters cannot be starved. */
#include "kernel.h"
#include "sched.h"

void mutex_init(struct mutex *m)
{
    struct mutex z = MUTEX_INIT;
    *m = z;
}

void mutex_lock(struct mutex *m)
{
    struct thread *me = thread_current();
    uint64_t f = spin_lock_irqsave(&m->lock);
    if (!m->owner) {
        m->owner = me;
        spin_unlock_irqrestore(&m->lock, f);
        return;
    }
    if (m->owner == me)
        panic("mutex: recursive lock by %s", me->name);
    m->contended++;
    me->next = 0;
    if (m->wait_tail)
        m->wait_tail->next = me;
    else
        m->wait_head = me;
    m->wait_tail = me;
    me->state = T_BLOCKED;
    spin_unlock(&m->lock); /* interrupts stay off until we sleep */
    schedule();            /* back here once mutex_unlock handed us the mutex */
    irq_restore(f);
}

void mutex_unlock(struct mutex *m)
{
    uint64_t f = spin_lock_irqsave(&m->lock);
    struct thread *next = m->wait_head;
    if (next) {
        m->wait_head = next->next;
        if (!m->wait_head)
            m->wait_tail = 0;
    }
    m->owner = next;
    spin_unlock_irqrestore(&m->lock, f);
    if (next)
        thread_wake(next);
}
