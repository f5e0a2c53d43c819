/*
 * Leak scan (mm/leakscan.c): kmemleak's conservative mark and sweep over
 * the objects tracked by heap debugging (heap=track or heap=debug).
 *
 * Roots: .data and .bss (minus the heap-debug metadata), which hold the
 * per-CPU areas, every thread's stack from its saved RSP to the stack top
 * (saved registers live there), and the calling thread's callee-saved
 * registers and stack above leakscan_run's frame.  Every 8-byte aligned
 * word that points anywhere into a live object (interior pointers count)
 * makes it gray; gray objects are scanned in turn.  Objects left white are
 * unreferenced.  Other CPUs are parked (interrupts off) while scanning.
 *
 * A leak = an unreferenced object at least leak_min_age ms old (boot option
 * leak_min_age=MS, default 1000; younger objects are counted as `young`,
 * never reported), as kmemleak's MSECS_MIN_AGE.
 *
 * Must be called from thread context (it creates and joins helper threads).
 */
#ifndef LEAKSCAN_H
#define LEAKSCAN_H
#include <stddef.h>
#include <stdint.h>

#define LEAKSCAN_PRINT 1u /* console report (docs/app-api.md) */
#define LEAKSCAN_EMIT  2u /* stack_def*, leak*, leak_scan_done events */

struct leakscan_result {
    uint32_t scan_id;
    uint32_t leaks;        /* unreferenced objects reported */
    uint64_t leaked_bytes; /* their requested sizes */
    uint64_t objects;      /* live tracked objects considered */
    uint64_t scanned;      /* bytes scanned (roots + reachable objects) */
    uint64_t young;        /* unreferenced but younger than the minimum age */
    uint64_t duration_ns;
    int status; /* 0 ok, -1 heap tracking off, -2 out of memory, -3 busy */
};

/* Runs one scan; scan_id 0 picks the next id (1, 2, ...).  Returns status. */
int leakscan_run(uint32_t scan_id, unsigned flags, struct leakscan_result *out);

/* Excludes [start, start+len) of .data/.bss from the roots (metadata that
 * holds object addresses but owns nothing, e.g. trace rings in .bss).  At
 * most 8 ranges. */
void leakscan_exclude(const void *start, size_t len);
#endif
