/*
 * switch_to(uint64_t *save_rsp, uint64_t new_rsp): saves the callee-saved
 * registers on the current stack, stores %rsp in *save_rsp, loads
 * new_rsp and restores the other thread's registers.  Interrupts are off.
 * A new thread's stack is prepared so that the first switch "returns"
 * into thread_entry (thread.c) with all callee-saved registers zero.
 */
    .text
    .globl switch_to
switch_to:
    pushq %rbp
    mov %rsp, %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
