/* Per-CPU GDT and TSS.  The TSS exists only for its IST stacks: double
 * fault and NMI (and machine check) run on their own known-good stacks,
 * so a kernel stack overflow is reported instead of triple-faulting. */
#include "kernel.h"
#include "arch.h"
#include "string.h"

#define IST_SIZE 8192
static uint8_t ist_stacks[MAX_CPUS][3][IST_SIZE] __attribute__((aligned(16)));

struct percpu percpu_area[MAX_CPUS];

void gdt_init_cpu(struct percpu *c)
{
    memset(&c->tss, 0, sizeof c->tss);
    for (int i = 0; i < 3; i++)
        c->tss.ist[i] = (uint64_t)&ist_stacks[c->cpu][i][IST_SIZE];
    c->tss.iomap_base = sizeof c->tss;

    c->gdt[0] = 0;
    c->gdt[1] = 0x00af9a000000ffffUL; /* 0x08 kernel code, 64-bit */
    c->gdt[2] = 0x00cf92000000ffffUL; /* 0x10 kernel data */
    uint64_t base = (uint64_t)&c->tss, limit = sizeof c->tss - 1;
    c->gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89UL << 40) |
                (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    c->gdt[4] = base >> 32; /* 0x18: 16-byte TSS descriptor */

    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) gdtr = {5 * 8 - 1, (uint64_t)c->gdt};
    __asm__ volatile("lgdt %0\n\t"
                     "mov $0x10, %%ax\n\t"
                     "mov %%ax, %%ds\n\t"
                     "mov %%ax, %%es\n\t"
                     "mov %%ax, %%ss\n\t"
                     "pushq $0x08\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "mov $0x18, %%ax\n\t"
                     "ltr %%ax"
                     :
                     : "m"(gdtr)
                     : "rax", "memory");
    /* GS base must be set after reloading segment registers (a mov to gs would clear it). */
    wrmsr(MSR_GS_BASE, (uint64_t)c);
}

void percpu_init_bsp(void)
{
    struct percpu *c = &percpu_area[0];
    c->self = c;
    c->cpu = 0;
    wrmsr(MSR_GS_BASE, (uint64_t)c);
}
