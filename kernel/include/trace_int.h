/* Internals shared by the files of kernel/trace/ (not an API). */
#ifndef TRACE_INT_H
#define TRACE_INT_H
#include <stdint.h>
#include "trace_ring.h"

#define NOTRACE __attribute__((no_instrument_function))

enum { TRACE_DATA_NONE = 0, TRACE_DATA_COM2 = 1, TRACE_DATA_VSOCK = 2 };

struct trace_cpu {
    volatile int flush_req;    /* W9 request, acted on by the owning CPU */
    volatile int timer_reprog; /* sampler rate changed: reprogram this CPU's LAPIC timer */
    uint64_t next_tick_ns;     /* next scheduler tick (when the timer runs faster) */
    uint64_t next_sample_ns;
    uint32_t timer_hz; /* one-shot mean rate of this CPU's LAPIC timer; 0 = periodic SCHED_HZ */
    uint64_t rng;      /* sampler jitter */
    uint32_t graph_depth;
};

extern struct ring_geom trace_geom;
extern struct trace_dir *trace_dir;
extern uint8_t trace_meta[];
extern uint32_t trace_meta_len;
extern int trace_carrier;
extern struct trace_cpu trace_cpu[];
extern volatile uint32_t trace_sample_hz;

int trace_emit(uint16_t id, void *fixed, uint32_t fsize, int dloc_off, const void *dyn,
               uint32_t dlen);
const char *trace_group_name(unsigned g);
void trace_replay_thread_names(void); /* thread_name for the threads created so far */
void trace_groups_changed(void);      /* func/graph patching, sampler */

/* sampler.c */
void trace_sampler_set_rate(uint32_t hz);

/* channel.c */
void trace_channel_start(void);
void trace_flush_all(void);
void trace_final_drain(void);

/* ftrace.c */
void ftrace_init(void);
int ftrace_update(void); /* patch the call sites for the groups now; returns sites enabled */
int ftrace_set_filter(uint16_t mode, uint16_t count, const uint64_t *ranges);
int ftrace_set_glob(const char *glob);
void ftrace_boot_filter(void);
extern int ftrace_nsites;
#endif
