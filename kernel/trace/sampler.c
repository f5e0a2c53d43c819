/*
 * Sampling profiler and the timer side of tracing.
 *
 * Source: the LAPIC timer itself.  With the profiler off it runs periodic
 * at SCHED_HZ (250 Hz) and every interrupt is a scheduler tick.  With the
 * profiler at `hz` >= SCHED_HZ, each CPU switches its own LAPIC timer to
 * one-shot mode and re-arms it at every interrupt with a period drawn
 * uniformly from [0.75, 1.25] x 1/hz (mean rate hz): a fixed period aliases
 * with periodic work (a 997 Hz sampler against a 500 us work pattern gave
 * wrong shares), a jittered one does not.  Every interrupt takes a sample;
 * the scheduler tick is derived by time (every 1/SCHED_HZ s), so time
 * slices and sleeps keep their length.  Below SCHED_HZ the timer stays
 * periodic at 250 Hz and a sample is taken when its (jittered) deadline
 * has passed.  A rate change is a per-CPU request acted on at that CPU's
 * next interrupt.
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
#include "unwind.h"

volatile uint32_t trace_sample_hz;
#define TICK_NS (1000000000ull / SCHED_HZ)

NOTRACE void trace_sampler_set_rate(uint32_t hz)
{
    trace_sample_hz = hz;
    for (int c = 0; c < MAX_CPUS; c++)
        trace_cpu[c].timer_reprog = 1;
}

struct stack_bounds {
    uint64_t lo, hi;
};

NOTRACE static int on_stack(uint64_t addr, void *ctx)
{
    const struct stack_bounds *b = ctx;
    return addr >= b->lo && addr + 8 <= b->hi && !(addr & 7);
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
        struct stack_bounds b = {lo, hi};
        /* interrupted before the function set up its frame: its caller first */
        uint64_t caller = unwind_prologue_return(tf->rip, tf->rbp, tf->rsp, on_stack, &b);
        if (caller)
            frames[n++] = caller;
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

/* xorshift64 per CPU, seeded from the TSC */
NOTRACE static uint64_t jitter_rand(struct trace_cpu *tc)
{
    uint64_t x = tc->rng ? tc->rng : rdtsc() | 1;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    tc->rng = x;
    return x;
}

/* period x [0.75, 1.25) */
NOTRACE static uint64_t jittered(struct trace_cpu *tc, uint64_t period)
{
    return period * 3 / 4 + (jitter_rand(tc) >> 11) % (period / 2 + 1);
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
        uint32_t want = hz >= SCHED_HZ ? hz : 0; /* 0: periodic at SCHED_HZ */
        if (want != tc->timer_hz) {
            tc->timer_hz = want;
            if (!want)
                lapic_timer_start(SCHED_HZ);
        }
        tc->next_tick_ns = now_ns() + TICK_NS;
    }
    if (tc->timer_hz) {
        /* one-shot mode: re-arm first, whatever happens below */
        lapic_timer_oneshot_ns(jittered(tc, 1000000000ull / tc->timer_hz));
        if (hz)
            sample(tf, c);
    } else if (hz) {
        uint64_t now = now_ns();
        if (now >= tc->next_sample_ns) {
            tc->next_sample_ns = now + jittered(tc, 1000000000ull / hz);
            sample(tf, c);
        }
        return 1;
    } else {
        return 1;
    }
    uint64_t now = now_ns();
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
