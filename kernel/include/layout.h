/*
 * Virtual address layout and the KASLR windows (see docs/kaslr.md).
 * Everything the kernel maps lives in the upper half; the lower half
 * holds only the boot identity map, which is torn down after SMP start.
 */
#ifndef LAYOUT_H
#define LAYOUT_H

#define KERNEL_PHYS 0x200000UL
#define KERNEL_LINK 0xffffffff80200000UL /* base with nokaslr */

/* Direct map of all physical memory ("HHDM"): up to 64 GiB at a random
 * 2 MiB-aligned base in a 16 TiB window (fixed at the window start with
 * nokaslr).  hhdm_base is chosen by the early stage. */
#define HHDM_WIN_START 0xffff800000000000UL
#define HHDM_WIN_END   0xffff900000000000UL
#define HHDM_ALIGN     0x200000UL
#define HHDM_MAX       (64UL << 30)
#ifndef __ASSEMBLY__
extern unsigned long hhdm_base;
#endif

/* KASLR window for the kernel image: 48 TiB, 4 KiB granularity. */
#define KASLR_WIN_START 0xffff900000000000UL
#define KASLR_WIN_END   0xffffc00000000000UL
#define KASLR_ALIGN     0x1000UL

/* Heap window (32 TiB); the heap gets a 64 GiB span at a random 2 MiB-aligned base. */
#define HEAP_WIN_START 0xffffc00000000000UL
#define HEAP_WIN_END   0xffffe00000000000UL
#define HEAP_SPAN      (64UL << 30)
#define HEAP_ALIGN     0x200000UL

/* Thread stack window (31 TiB); stacks get a 64 GiB span at a random 4 KiB-aligned base. */
#define STACK_WIN_START 0xffffe00000000000UL
#define STACK_WIN_END   0xffffff0000000000UL
#define STACK_SPAN      (64UL << 30)
#define STACK_ALIGN     0x1000UL

#define P2V(pa) ((void *)((unsigned long)(pa) + hhdm_base))

#endif
