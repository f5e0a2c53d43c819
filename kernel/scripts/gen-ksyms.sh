#!/bin/sh
# Emits the embedded symbol table (assembly) for the ELF given as $1:
# every text symbol, sorted by address.  Layout, read by core/ksyms.c:
#   u64 count; count x { u64 link_addr; u32 name_off; u32 pad; }; names (NUL-terminated)
# Addresses are plain link-time constants, so the table needs no relocation.
set -e
nm -n --defined-only "$1" | awk 'BEGIN { n = 0 }

$2 ~ /^[tTwW]$/ && $3 !~ /^__/ { addr[n] = $1; name[n] = $3; n++ }
END {
    print "\t.section .ksyms, \"a\""
    print "\t.p2align 3"
    print "\t.quad " (n + 0)
    off = 0
    for (i = 0; i < n; i++) {
        print "\t.quad 0x" addr[i]
        print "\t.long " off ", 0"
        off += length(name[i]) + 1
    }
    for (i = 0; i < n; i++)
        print "\t.asciz \"" name[i] "\""
}'
