/* A global label with no .type and no .size, like hand-written kernel entry code. */
    .text
    .globl bare_label
bare_label:
    nop
    nop
    nop
    nop
    ret
    .section .note.GNU-stack,"",@progbits
