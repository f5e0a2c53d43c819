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

#define LEAKSCAN_PRINT    1u /* console report (docs/app-api.md) */
#define LEAKSCAN_EMIT     2u /* stack_def*, leak*, leak_scan_done events */
#define LEAKSCAN_ALL_AGES 4u /* no minimum age (the end scan: nothing is in flight) */
#define LEAKSCAN_BRIEF    8u /* with PRINT: begin, site and end lines only */

/* Scan id of the end scan (boot option leakscan=end, core/app.c: one scan
 * after the app's main returns).  leakscan_run(0, ...) never hands it out,
 * so it cannot collide with an app's or the host's scans, and it is the
 * largest id: a report that takes the newest scan by id takes this one. */
#define LEAKSCAN_END_ID 0xffffffffu

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

/* Runs one scan; scan_id 0 picks the next id (1, 2, ...; never
 * LEAKSCAN_END_ID).  Returns status. */
int leakscan_run(uint32_t scan_id, unsigned flags, struct leakscan_result *out);

/* Excludes [start, start+len) of .data/.bss from the roots (metadata that
 * holds object addresses but owns nothing, e.g. trace rings in .bss).  At
 * most 8 ranges. */
void leakscan_exclude(const void *start, size_t len);

/* ---- pure mark & sweep core (mm/leakscan_core.c, host-tested) ---------- */

#define LS_WHITE   0
#define LS_GRAY    1 /* referenced (queued or scanned) */
#define LS_NO_SCAN 1u
#define LS_END     0xffffffffu

struct ls_obj {
    uint64_t start, size; /* object [start, start + size) */
    uint64_t ts_ns;
    uint32_t alloc_stack, tid;
    uint32_t flags; /* LS_NO_SCAN: referenced objects are not scanned */
    uint32_t next_gray;
    uint32_t color;
    uint32_t pad;
};

struct ls_state {
    struct ls_obj *obj; /* sorted by start, non-overlapping */
    size_t n;
    uint32_t gray_head, gray_tail;
    uint64_t lo, hi;  /* lowest start, highest end */
    uint64_t scanned; /* bytes scanned */
};

void ls_sort(struct ls_obj *o, size_t n); /* by start (heapsort, no recursion) */
void ls_begin(struct ls_state *s, struct ls_obj *o, size_t n); /* all white */
/* Index of the object containing address v (interior pointers count), or -1. */
long ls_lookup(const struct ls_state *s, uint64_t v);
/* Scans the aligned 8-byte words of [start, start + len): each value that
 * points into a white object makes it gray (queued). */
void ls_scan_range(struct ls_state *s, const void *start, size_t len);
/* Scans queued objects until none is left (FIFO, like kmemleak's gray list). */
void ls_drain(struct ls_state *s);
/* Sweep rule: a white object is a leak when it was allocated before the
 * scan began (t0) and is at least min_age ns old; else it is young. */
int ls_is_leak(const struct ls_obj *o, uint64_t t0, uint64_t min_age);
/* Next automatic scan id from *counter (atomic): 1, 2, ..., skipping 0 and
 * LEAKSCAN_END_ID when the counter wraps. */
uint32_t ls_next_id(uint32_t *counter);
#endif
