/*
 * Sampling profiler and the timer side of tracing.
 *
 * Source: the LAPIC timer itself.  With the profiler off it runs at
 * SCHED_HZ (250 Hz) and every interrupt is a scheduler tick.  With the
 * profiler at `hz`, each CPU reprograms its own LAPIC timer to
 * max(hz, SCHED_HZ); every interrupt may take a sample (when its sample
 * deadline passed) and the scheduler tick is derived by time (every
 * 1/SCHED_HZ s), so time slices and sleeps keep their length.  A rate
 * change is a per-CPU request acted on at that CPU's next interrupt.
 *
 * A sample records the interrupted RIP, the thread, and the frame-pointer
 * chain of the interrupted context (leaf first, RIP not repeated, at most
 * 64 frames), walked only within the current thread's stack; idle samples
 * have idle = 1 and no stack.
 */
#include "kernel.h"
#include "arch.h"
#include "percpu.h"
#include "sched.h"
#include "trace.h"
#include "trace_int.h"

volatile uint32_t trace_sample_hz;
#define TICK_NS (1000000000ull / SCHED_HZ)

NOTRACE void trace_sampler_set_rate(uint32_t hz)
{
    trace_sample_hz = hz;
    for (int c = 0; c < MAX_CPUS; c++)
        trace_cpu[c].timer_reprog = 1;
}

NOTRACE static void sample(struct trapframe *tf, struct percpu *c)
{
    struct thread *t = c->current;
    int idle = !t || t == c->idle;
    struct {
        uint64_t rip;
        uint32_t tid, stack;
        uint8_t idle, pad[7];
    } e = {tf->rip, t ? (uint32_t)t->id : 0, 0, (uint8_t)idle, {0}};
    uint64_t frames[TRACE_MAX_STACK];
    unsigned n = 0;
    if (!idle && t->stack) {
        uint64_t lo = (uint64_t)t->stack, hi = lo + t->stack_size;
        uint64_t fp = tf->rbp;
        /* interrupted in kernel mode on this stack: walk rbp -> [saved rbp, ret] */
        while (n < TRACE_MAX_STACK && fp >= lo && fp + 16 <= hi && !(fp & 7)) {
            uint64_t ret = ((uint64_t *)fp)[1];
            uint64_t next = ((uint64_t *)fp)[0];
            if (!ret)
                break;
            frames[n++] = ret;
            if (next <= fp)
                break;
            fp = next;
        }
    }
    trace_graph_fixup(frames, n);
    trace_emit(EV_PROFILE_SAMPLE, &e, sizeof e, 12, frames, n * 8);
}

/* Every LAPIC timer interrupt (interrupts off).  Returns 1 when the
 * scheduler tick is due. */
NOTRACE int trace_timer_irq(struct trapframe *tf)
{
    struct percpu *c = this_cpu();
    struct trace_cpu *tc = &trace_cpu[c->cpu];
    uint32_t hz = trace_on(TG_PROFILE) ? trace_sample_hz : 0;
    if (tc->timer_reprog) {
        tc->timer_reprog = 0;
        uint32_t want = hz > SCHED_HZ ? hz : SCHED_HZ;
        if (want != (tc->timer_hz ? tc->timer_hz : SCHED_HZ)) {
            lapic_timer_start(want);
            tc->timer_hz = want;
        }
        tc->next_tick_ns = now_ns() + TICK_NS;
    }
    uint64_t now = 0;
    if (hz && tc->timer_hz == hz) {
        sample(tf, c); /* the timer runs at the sampling rate */
    } else if (hz) {
        now = now_ns();
        if (now >= tc->next_sample_ns) {
            uint64_t period = 1000000000ull / hz;
            tc->next_sample_ns =
                tc->next_sample_ns + period > now ? tc->next_sample_ns + period : now + period / 2;
            sample(tf, c);
        }
    }
    if (tc->timer_hz <= SCHED_HZ)
        return 1;
    if (!now)
        now = now_ns();
    if (now + TICK_NS / 8 < tc->next_tick_ns)
        return 0;
    tc->next_tick_ns += TICK_NS;
    if (tc->next_tick_ns < now)
        tc->next_tick_ns = now + TICK_NS;
    return 1;
}

/* The scheduler tick (trace_timer_tick): timer_expire, W9 flush requests. */
NOTRACE void trace_tick(void)
{
    struct percpu *c = this_cpu();
    struct trace_cpu *tc = &trace_cpu[c->cpu];
    if (trace_on(TG_TIMER))
        trace_ev_timer(&c->ticks, (const void *)timer_irq, now_ns());
    if (tc->flush_req && c->trace_ring) {
        struct trace_ring *r = c->trace_ring;
        if (ring_enter(r)) {
            if (ring_flush(r, &trace_geom, now_ns()) >= 0)
                tc->flush_req = 0; /* a full ring keeps the request pending */
            ring_exit(r);
        }
    }
}
