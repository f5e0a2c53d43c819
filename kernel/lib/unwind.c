/*
 * The one case a frame-pointer walk gets wrong: an interrupt or fault in a
 * function's first instructions, before `mov %rsp,%rbp`.  Then %rbp is the
 * caller's frame and the caller itself is missing from the walk.  Linux
 * lives with that for frame pointers (ORC fixes it); we recognise the
 * prologue instead.  lib/ is built without -pg, so this is safe to call
 * from the sampler's interrupt.
 */
#include "kernel.h"
#include "ksyms.h"
#include "unwind.h"

/* Bytes of the -mfentry call (or its NOP) that start a function, or 0. */
static uint64_t fentry_len(const uint8_t *fn)
{
    if (fn[0] == 0xe8 || (fn[0] == 0x0f && fn[1] == 0x1f && fn[2] == 0x44))
        return 5; /* call rel32 / nopl 0(%rax,%rax,1) */
    if ((fn[0] == 0xff && fn[1] == 0x15) || (fn[0] == 0x67 && fn[1] == 0xe8) ||
        (fn[0] == 0x66 && fn[1] == 0x0f && fn[2] == 0x1f))
        return 6; /* call *GOT(%rip) / addr32 call / nopw */
    return 0;
}

/* The slot holding the return address, judged from the code bytes. */
static uint64_t slot_from_code(const uint8_t *fn, uint64_t off, uint64_t rsp)
{
    uint64_t pro = fentry_len(fn);
    if (fn[pro] != 0x55)
        return rsp; /* frameless leaf (gcc 12 omits leaf frames) */
    if (off <= pro)
        return rsp; /* nothing pushed yet */
    for (uint64_t k = pro + 1; k < pro + 24; k++)
        if (fn[k] == 0x48 && fn[k + 1] == 0x89 && fn[k + 2] == 0xe5) /* mov %rsp,%rbp */
            return off <= k ? rsp + 8 : 0; /* %rbp pushed, frame not established */
    return 0;
}

static int is_return_address(uint64_t slot, unwind_readable_fn readable, void *ctx)
{
    uint64_t off;
    return slot && readable(slot, ctx) && ksym_lookup(*(uint64_t *)slot, &off);
}

uint64_t unwind_prologue_return(uint64_t rip, uint64_t rbp, uint64_t rsp,
                                unwind_readable_fn readable, void *ctx)
{
    uint64_t off;
    if (!rsp || !ksym_lookup(rip, &off))
        return 0;
    uint64_t slot = slot_from_code((const uint8_t *)(rip - off), off, rsp);
    /* gcc may schedule work before `push %rbp` (seen under -mfentry), so
     * the code bytes can mislead; but a %rbp pushed and not yet replaced
     * equals %rbp itself, and then the caller is one slot up. */
    if (!is_return_address(slot, readable, ctx) && readable(rsp, ctx) && *(uint64_t *)rsp == rbp)
        slot = rsp + 8;
    return is_return_address(slot, readable, ctx) ? *(uint64_t *)slot : 0;
}
