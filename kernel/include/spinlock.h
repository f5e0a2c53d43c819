/* Test-and-test-and-set spinlock that also disables interrupts, so a
 * lock taken in thread context can never be re-taken by an IRQ handler
 * on the same CPU. */
#ifndef SPINLOCK_H
#define SPINLOCK_H
#include <stdint.h>
#include "x86.h"

typedef struct {
    volatile uint32_t locked;
    int cpu; /* owner, for debugging */
} spinlock_t;

#define SPINLOCK_INIT                                                                              \
    {                                                                                              \
        0, -1                                                                                      \
    }

/* Plain lock/unlock: for callers that already run with interrupts off
 * (the scheduler, or code that releases a lock and then sleeps). */
static inline void spin_lock(spinlock_t *l)
{
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
        while (l->locked)
            cpu_relax();
    }
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline uint64_t spin_lock_irqsave(spinlock_t *l)
{
    uint64_t f = irq_save();
    spin_lock(l);
    return f;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, uint64_t f)
{
    spin_unlock(l);
    irq_restore(f);
}

#endif
