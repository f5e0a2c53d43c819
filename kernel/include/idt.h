/* IDT gate layout and loading, shared by the early stage (kaslr/early.c,
 * before relocation) and the kernel's IDT (arch/x86_64/idt.c).  Inline
 * and global-free, so it is safe before relocation. */
#ifndef IDT_H
#define IDT_H
#include <stdint.h>

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
} __attribute__((packed));

/* Device interrupts (MSI-X, drivers/pci.c) get vectors in this range from
 * idt_alloc_vector (arch/x86_64/idt.c, kernel only): fn(arg) runs with
 * interrupts off after the EOI; keep it short (count, wake a thread).
 * Returns the vector, or -1 when none is left. */
#define VEC_DEV_FIRST 0x30
#define VEC_DEV_LAST  0xdf
int idt_alloc_vector(void (*fn)(void *arg), void *arg);

static inline void idt_set_gate(struct idt_gate *g, uint64_t handler, int ist)
{
    g->off_lo = handler & 0xffff;
    g->sel = 0x08;
    g->ist = (uint8_t)ist;
    g->type = 0x8e; /* present, interrupt gate: IF cleared on entry */
    g->off_mid = (handler >> 16) & 0xffff;
    g->off_hi = (uint32_t)(handler >> 32);
    g->zero = 0;
}

static inline void idt_load_table(const struct idt_gate *table, unsigned entries)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = {(uint16_t)(entries * sizeof *table - 1), (uint64_t)table};
    __asm__ volatile("lidt %0" : : "m"(idtr));
}
#endif
