/*
 * Function tracer and function-graph tracer (groups func, graph).
 * Stub until the build with -pg -mfentry -mrecord-mcount lands: the
 * SET_FUNC_FILTER command answers "unsupported".
 */
#include "kernel.h"
#include "trace.h"
#include "trace_int.h"

int ftrace_nsites;

int ftrace_set_filter(uint16_t mode, uint16_t count, const uint64_t *ranges)
{
    (void)mode;
    (void)count;
    (void)ranges;
    return -1;
}

int ftrace_update(void)
{
    return 0;
}

void ftrace_init(void) {}

/* Called after every change of the group mask. */
void trace_groups_changed(void)
{
    for (int c = 0; c < MAX_CPUS; c++)
        trace_cpu[c].timer_reprog = 1;
    ftrace_update();
}

void trace_boot_done(void)
{
    ftrace_init();
    trace_channel_start();
}
