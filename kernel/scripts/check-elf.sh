#!/bin/sh
# Build-time checks of the final ELF:
#  1. the only dynamic relocations are R_X86_64_RELATIVE (the kernel's own
#     relocator handles nothing else);
#  2. text did not move between the two link passes (the embedded symbol
#     table would be wrong otherwise).
set -e
elf=$1; pass1_syms=$2
bad=$(readelf -W -r "$elf" | awk '$3 ~ /^R_X86_64_/ && $3 != "R_X86_64_RELATIVE"' | head -5)
if [ -n "$bad" ]; then
    echo "check-elf: non-RELATIVE dynamic relocations in $elf:" >&2
    echo "$bad" >&2
    exit 1
fi
if ! sh "$(dirname "$0")/gen-ksyms.sh" "$elf" | cmp -s - "$pass1_syms"; then
    echo "check-elf: text symbols moved between link passes" >&2
    exit 1
fi
