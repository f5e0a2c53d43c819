/* Common definitions for kernel code. */
#ifndef KERNEL_H
#define KERNEL_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "printk.h"

#define MAX_CPUS              8
#define PAGE_SIZE             4096UL
#define ALIGN_UP(x, a)        (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a)      ((x) & ~((uint64_t)(a)-1))
#define ARRAY_SIZE(a)         (sizeof(a) / sizeof((a)[0]))
#define container_of(p, T, m) ((T *)((char *)(p)-offsetof(T, m)))
#define noinline              __attribute__((noinline))
#define noreturn              __attribute__((noreturn))

noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define ASSERT(c)                                                                                  \
    do {                                                                                           \
        if (!(c))                                                                                  \
            panic("assertion failed: %s at %s:%d", #c, __FILE__, __LINE__);                        \
    } while (0)

/* Exit QEMU through isa-debug-exit (port 0xf4): QEMU exits with (code << 1) | 1. */
noreturn void machine_exit(int code);
#define EXIT_PANIC 0x7f /* QEMU status 255: panic with panic_exit, or early boot failure */

int cmdline_has(const char *key);
uint64_t cmdline_u64(const char *key, uint64_t def);

/* Linker symbols. */
extern char __image_start[], __image_end[], __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[], __data_start[], __data_end[];
extern char __bss_start[], __bss_end[];

uint64_t now_ns(void);
extern const char *kernel_cmdline;
#endif
