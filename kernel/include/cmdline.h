/* Kernel command line parsing: space-separated `flag` or `key=value` words. */
#ifndef CMDLINE_H
#define CMDLINE_H
#include <stddef.h>
#include <stdint.h>

/* Returns 1 if `key` is present (as `key` or `key=...`); copies the value
 * (empty for a bare flag) into out[0..n). */
int cmdline_get(const char *cmdline, const char *key, char *out, size_t n);
/* Parses `key=N` (decimal or 0x hex) into *val; returns 1 on success. */
int cmdline_get_u64(const char *cmdline, const char *key, uint64_t *val);
/* Parses a number; returns 1 if the whole string was a valid number. */
int parse_u64(const char *s, uint64_t *val);
#endif
