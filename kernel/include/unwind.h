/* Frame-pointer unwinding help shared by the panic backtrace and the
 * sampling profiler. */
#ifndef UNWIND_H
#define UNWIND_H
#include <stdint.h>

/* May the unwinder read the 8 bytes at `addr`?  `ctx` is the caller's. */
typedef int (*unwind_readable_fn)(uint64_t addr, void *ctx);

/*
 * When `rip` (with %rbp and %rsp as interrupted) is in a function that has
 * not set up its frame yet, %rbp still belongs to the caller, so a plain
 * %rbp walk skips the caller.  Returns the caller's return address in that
 * case, or 0 when the frame is established (or nothing can be told).
 */
uint64_t unwind_prologue_return(uint64_t rip, uint64_t rbp, uint64_t rsp,
                                unwind_readable_fn readable, void *ctx);
#endif
