#ifndef PRINTK_H
#define PRINTK_H
#include <stdarg.h>
#include <stddef.h>

/* Formats like C's snprintf: %d %i %u %x %X %p %s %c %%, flags '-' '0',
 * width, precision for %s, length modifiers l ll z.  Pure, host-tested. */
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Console output on COM1.  Lines from different CPUs never interleave
 * within one printk call. */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Lock-free printk for the panic path (the console lock may be held). */
void printk_unlocked(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void printk_panic_mode(void);
#endif
