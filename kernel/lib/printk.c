/* printk: format into a per-call buffer, then write the whole line to
 * COM1 under a lock so CPUs do not interleave characters. */
#include "kernel.h"
#include "serial.h"
#include "spinlock.h"

static spinlock_t console_lock = SPINLOCK_INIT;
static volatile int panic_mode;

void printk_panic_mode(void)
{
    panic_mode = 1;
}

int printk(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof buf - 1)
        n = sizeof buf - 1;
    if (panic_mode) {
        serial_write(COM1, buf, (unsigned long)n);
        return n;
    }
    uint64_t f = spin_lock_irqsave(&console_lock);
    serial_write(COM1, buf, (unsigned long)n);
    spin_unlock_irqrestore(&console_lock, f);
    return n;
}

void printk_unlocked(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof buf - 1)
        n = sizeof buf - 1;
    serial_write(COM1, buf, (unsigned long)n);
}
