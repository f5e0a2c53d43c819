/*
 * Interrupt and exception entry stubs.  Every vector pushes a uniform
 * struct trapframe (arch.h) and calls isr_dispatch(tf).  Vectors without
 * a CPU-pushed error code push a zero so the frame is always the same.
 * The frame's saved %rbp chain continues into the interrupted code, so
 * backtraces walk straight through interrupts.
 */
    .text

.macro ISR_NOERR n
    .p2align 4
isr_\n:
    pushq $0
    pushq $\n
    jmp isr_common
.endm
.macro ISR_ERR n
    .p2align 4
isr_\n:
    pushq $\n
    jmp isr_common
.endm

isr_common:
    cld
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    mov %rsp, %rdi
    /* Make a frame record {saved rbp, rip} so the unwinder sees the
     * interrupted function as the caller of isr_dispatch. */
    pushq 17*8(%rsp)       /* interrupted rip */
    pushq 9*8(%rsp)        /* interrupted rbp (8*8, shifted by the push above) */
    mov %rsp, %rbp
    call isr_dispatch
    add $16, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    add $16, %rsp          /* vector, error */
    iretq

/* Exceptions 0-31: 8, 10-14, 17, 21, 29, 30 push an error code. */
ISR_NOERR 0
ISR_NOERR 1
ISR_NOERR 2
ISR_NOERR 3
ISR_NOERR 4
ISR_NOERR 5
ISR_NOERR 6
ISR_NOERR 7
ISR_ERR   8
ISR_NOERR 9
ISR_ERR   10
ISR_ERR   11
ISR_ERR   12
ISR_ERR   13
ISR_ERR   14
ISR_NOERR 15
ISR_NOERR 16
ISR_ERR   17
ISR_NOERR 18
ISR_NOERR 19
ISR_NOERR 20
ISR_ERR   21
ISR_NOERR 22
ISR_NOERR 23
ISR_NOERR 24
ISR_NOERR 25
ISR_NOERR 26
ISR_NOERR 27
ISR_NOERR 28
ISR_ERR   29
ISR_ERR   30
ISR_NOERR 31
/* 32-255: external interrupts and IPIs. */
.altmacro
.set i, 32
.rept 224
    ISR_NOERR %i
    .set i, i + 1
.endr

/* Table of stub addresses for idt.c (absolute pointers: relocated at boot). */
.macro STUB_ADDR n
    .quad isr_\n
.endm
    .section .rodata
    .p2align 3
    .globl isr_stub_table
isr_stub_table:
.set i, 0
.rept 256
    STUB_ADDR %i
    .set i, i + 1
.endr
