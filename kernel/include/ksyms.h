/* The embedded symbol table (see scripts/gen-ksyms.sh). */
#ifndef KSYMS_H
#define KSYMS_H
#include <stddef.h>
#include <stdint.h>

/* Table layout: u64 count; count x struct ksym sorted by addr; names. */
struct ksym {
    uint64_t addr; /* link-time address */
    uint32_t name_off, pad;
};

/* Pure lookup (host-tested): the entry whose range contains the link-time
 * address `link` (ranges end at the next entry, the last at text_end);
 * returns its name and stores the offset, or returns 0. */
const char *ksym_find(const void *table_blob, size_t blob_size, uint64_t link, uint64_t text_end,
                      uint64_t *off);

/* Finds the function containing the run-time address `addr`; returns its
 * name and stores the offset, or returns 0. */
const char *ksym_lookup(uint64_t addr, uint64_t *off);
#endif
