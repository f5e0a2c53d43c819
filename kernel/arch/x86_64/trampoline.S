/*
 * AP startup trampoline.  smp.c copies [tramp_start, tramp_end) to
 * physical 0x8000 and fills tramp_data: CR3, the entry point, and per
 * APIC ID a {stack, percpu} pair, so all APs can start at once.  An AP
 * starts here in real mode after SIPI vector 0x08, enters long mode on
 * the kernel's page tables (which still identity-map low memory), finds
 * its slot by its initial APIC ID (CPUID.1:EBX[31:24]) and jumps to
 * ap_entry(percpu) at its high address on its own stack.
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
    mov $1, %eax
    cpuid
    shr $24, %ebx                   /* initial APIC ID */
    shl $4, %ebx
    mov A(tramp_slots)(%rbx), %rsp
    mov A(tramp_slots) + 8(%rbx), %rdi
    xor %ebp, %ebp
    pushq $0
    jmp *A(tramp_data) + 8

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
    .quad 0 /* entry */
tramp_slots:
    .skip 256 * 16 /* per APIC ID: stack top, percpu */
tramp_end:
