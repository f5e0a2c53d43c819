#!/bin/sh
# Regenerates ../resources/c-writer-sample.bin from the reference C code in docs/protocol.md.
set -e
cd "$(dirname "$0")"
T=$(mktemp -d)
# Appendix A's C block, minus nothing: it is compiled as written.
awk '/^## Appendix A/{a=1} a&&/^```c$/{c=1;next} c&&/^```$/{exit} c' ../../../../docs/protocol.md > "$T/appendix.h"
gcc -std=c11 -O2 -Wall -Wextra -Werror -I"$T" -include string.h -o "$T/ref_writer" ref_writer.c
"$T/ref_writer" > ../resources/c-writer-sample.bin
rm -rf "$T"
