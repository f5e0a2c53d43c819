/*
 * Function tracer entry points (trace/ftrace.c).
 *
 * __fentry__: what gcc's -pg -mfentry calls at every function entry.  It
 * only returns: it runs before relocation (early stage) and until
 * ftrace_init() turns every recorded call site into a 6-byte NOP.
 * Enabled sites are patched into `addr32 call ftrace_caller` (67 e8 rel32).
 *
 * ftrace_caller: [rsp] = site + 6 (back into the traced function),
 * [rsp + 8] = the traced function's return address.  Saves the
 * caller-saved registers (argument registers are live), keeps a frame
 * pointer frame, and calls ftrace_handler(site + 6, &parent_return).
 *
 * ftrace_return_to_handler: the function-graph tracer replaces a traced
 * function's return address by this; it preserves the return values (rax,
 * rdx), asks ftrace_graph_return() for the real return address and jumps
 * there.
 */
    .text
    .globl __fentry__
    .hidden __fentry__
    .type __fentry__, @function
__fentry__:
    ret
    .size __fentry__, . - __fentry__

    .globl ftrace_caller
    .hidden ftrace_caller
    .type ftrace_caller, @function
ftrace_caller:
    push %rbp
    mov %rsp, %rbp
    push %rax
    push %rdi
    push %rsi
    push %rdx
    push %rcx
    push %r8
    push %r9
    push %r10
    push %r11
    mov 8(%rbp), %rdi
    lea 16(%rbp), %rsi
    call ftrace_handler
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rcx
    pop %rdx
    pop %rsi
    pop %rdi
    pop %rax
    pop %rbp
    ret
    .size ftrace_caller, . - ftrace_caller

    .globl ftrace_return_to_handler
    .hidden ftrace_return_to_handler
    .type ftrace_return_to_handler, @function
ftrace_return_to_handler:
    push %rax
    push %rdx
    call ftrace_graph_return
    mov %rax, %r11
    pop %rdx
    pop %rax
    jmp *%r11
    .size ftrace_return_to_handler, . - ftrace_return_to_handler

    .section __mcount_loc, "a"
    .p2align 3
    .quad 0     /* keeps the section (and __start/__stop___mcount_loc) in every build */
