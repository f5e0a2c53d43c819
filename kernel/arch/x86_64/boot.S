/*
 * PVH entry (reference/pvh-boot.md).  QEMU loads the ELF at its p_paddr
 * and enters pvh_entry in 32-bit protected mode, paging off, with %ebx
 * pointing at struct hvm_start_info.
 *
 * The image is a static PIE linked at an upper-half address, so this
 * 32-bit code cannot use link-time addresses.  It learns its own
 * physical location from a constant (PVH_ENTRY_PHYS), builds an identity map of the low
 * 4 GiB, enters long mode and calls kaslr_early() still identity mapped.
 * kaslr_early() then picks the random base, relocates and jumps high.
 */
/* .layout is one page at 0x200000 and .boot32 starts .text, so the
 * entry's physical address is a constant (linker.ld asserts it). */
#define PVH_ENTRY_PHYS 0x201000
#define PTE_P  0x1
#define PTE_W  0x2
#define PTE_PS 0x80

    .section .note.pvh, "a"
    .p2align 2
    .long 4                 /* namesz */
    .long 8                 /* descsz: 8 bytes, zero-extended */
    .long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .p2align 2
    .quad PVH_ENTRY_PHYS

    .section .boot32, "ax"
    .code32
    .globl pvh_entry
pvh_entry:
    cli
    cld
    mov %ebx, %edi                  /* keep start_info */
    rdtsc
    mov %eax, %ecx
    mov %edx, %esi                  /* tsc at entry in esi:ecx */
    /* Everything else is addressed relative to the entry's known
     * physical address; first a scratch stack. */
    mov $PVH_ENTRY_PHYS, %ebp
    lea (boot32_stack_top - pvh_entry)(%ebp), %esp
    push %esi
    push %ecx

    /* Zero the page tables we build here (they live in .boot32 too, so
     * their offset from pvh_entry is an assembly-time constant). */
    lea (boot_pml4 - pvh_entry)(%ebp), %edx
    mov %edi, %ebx
    mov %edx, %edi
    xor %eax, %eax
    mov $(6 * 4096 / 4), %ecx
    rep stosl
    mov %ebx, %edi

    /* PML4[0] -> PDPT, PDPT[0..3] -> PD0..3, PD entries: 2 MiB pages. */
    lea (boot_pml4 - pvh_entry)(%ebp), %edx
    lea (boot_pdpt - pvh_entry)(%ebp), %eax
    or $(PTE_P | PTE_W), %eax
    mov %eax, (%edx)
    lea (boot_pdpt - pvh_entry)(%ebp), %edx
    lea (boot_pd - pvh_entry)(%ebp), %eax
    or $(PTE_P | PTE_W), %eax
    mov $4, %ecx
1:  mov %eax, (%edx)
    add $4096, %eax
    add $8, %edx
    loop 1b
    lea (boot_pd - pvh_entry)(%ebp), %edx
    mov $(PTE_P | PTE_W | PTE_PS), %eax
    xor %ebx, %ebx
    mov $2048, %ecx
2:  mov %eax, (%edx)
    mov %ebx, 4(%edx)
    add $0x200000, %eax
    adc $0, %ebx
    add $8, %edx
    loop 2b

    /* CR4.PAE, CR3, EFER.LME|NXE, CR0.PG|WP */
    mov %cr4, %eax
    or $(1 << 5), %eax
    mov %eax, %cr4
    lea (boot_pml4 - pvh_entry)(%ebp), %eax
    mov %eax, %cr3
    mov %edi, %ebx
    mov $0xc0000080, %ecx
    rdmsr
    or $((1 << 8) | (1 << 11)), %eax
    wrmsr
    mov %ebx, %edi
    mov %cr0, %eax
    or $((1 << 31) | (1 << 16)), %eax
    mov %eax, %cr0

    /* GDT descriptor base must be absolute: patch it in place. */
    lea (boot_gdt - pvh_entry)(%ebp), %eax
    mov %eax, (boot_gdtr + 2 - pvh_entry)(%ebp)
    lgdt (boot_gdtr - pvh_entry)(%ebp)
    /* Far return into 64-bit code: push CS and the absolute target. */
    lea (boot64 - pvh_entry)(%ebp), %eax
    push $0x08
    push %eax
    lret

    .code64
boot64:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    pop %rsi                        /* tsc at entry (pushed as two dwords) */
    mov %edi, %edi                  /* start_info physical (zero-extend) */
    lea boot_stack_top(%rip), %rsp  /* the real boot stack, in .bss */
    xor %ebp, %ebp
    /* kaslr_early(start_info, tsc) never returns: it jumps to kmain. */
    call kaslr_early
3:  hlt
    jmp 3b

/*
 * Early exception stubs (vectors 0-31), 16 bytes apart: kaslr_early()
 * points a temporary IDT at them so that a fault before kmain's own IDT
 * is reported (early_trap) instead of triple-faulting.
 */
.macro EARLY_ISR n
    .p2align 4
    pushq $\n
    jmp early_isr_common
.endm
    .p2align 4
    .globl early_isr_0
early_isr_0:
.altmacro
.set i, 0
.rept 32
    EARLY_ISR %i
    .set i, i + 1
.endr
    .globl early_isr_common
early_isr_common:
    mov (%rsp), %rdi                /* vector */
    lea 8(%rsp), %rsi               /* [error code,] rip, cs, rflags, rsp, ss */
    and $-16, %rsp
    call early_trap
4:  hlt
    jmp 4b

    .p2align 3
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff        /* 0x10: data */
boot_gdtr:
    .word 3 * 8 - 1
    .quad 0

    .p2align 12
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd:   .skip 4 * 4096
boot32_stack: .skip 256
boot32_stack_top:

    .section .bss
    .p2align 12
    .globl boot_stack, boot_stack_top
boot_stack:
    .skip 16384
boot_stack_top:
