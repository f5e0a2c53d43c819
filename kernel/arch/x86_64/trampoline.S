/*
 * AP startup trampoline.  smp.c copies [tramp_start, tramp_end) to
 * physical 0x8000 and fills the four quadwords at tramp_data.  An AP
 * starts here in real mode after SIPI vector 0x08, enters long mode on
 * the kernel's page tables (which still identity-map low memory) and
 * jumps to ap_entry(percpu) at its high address on its own stack.
 * Everything is addressed as an offset from tramp_start + 0x8000.
 */
#define TRAMP 0x8000
#define A(x) ((x) - tramp_start + TRAMP)

    .section .rodata
    .globl tramp_start, tramp_end, tramp_data
    .code16
tramp_start:
    cli
    cld
    xor %ax, %ax
    mov %ax, %ds
    lgdtl A(tramp_gdtr)
    mov %cr4, %eax
    or $(1 << 5), %eax              /* PAE */
    mov %eax, %cr4
    mov A(tramp_data), %eax         /* cr3 (below 4 GiB) */
    mov %eax, %cr3
    mov $0xc0000080, %ecx
    rdmsr
    or $((1 << 8) | (1 << 11)), %eax /* LME, NXE */
    wrmsr
    mov %cr0, %eax
    or $((1 << 31) | (1 << 16) | 1), %eax /* PG, WP, PE */
    mov %eax, %cr0
    ljmpl $0x08, $A(tramp64)

    .code64
tramp64:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov A(tramp_data) + 8, %rsp
    mov A(tramp_data) + 24, %rdi
    xor %ebp, %ebp
    pushq $0
    jmp *A(tramp_data) + 16

    .p2align 3
tramp_gdt:
    .quad 0
    .quad 0x00af9a000000ffff
    .quad 0x00cf92000000ffff
tramp_gdtr:
    .word 3 * 8 - 1
    .long A(tramp_gdt)
    .p2align 3
tramp_data:
    .quad 0 /* cr3 */
    .quad 0 /* stack */
    .quad 0 /* entry */
    .quad 0 /* argument */
tramp_end:
