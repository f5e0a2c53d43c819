/* The embedded symbol table (see scripts/gen-ksyms.sh). */
#ifndef KSYMS_H
#define KSYMS_H
#include <stdint.h>

/* Finds the function containing the run-time address `addr`; returns its
 * name and stores the offset, or returns 0. */
const char *ksym_lookup(uint64_t addr, uint64_t *off);
/* Run-time address of a function by name, or 0. */
uint64_t ksym_address(const char *name);
#endif
