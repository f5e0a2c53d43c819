/*
 * spin: CPU burner with a known profile.
 *
 * `per_cpu=` (default 2) CPU-bound threads per CPU share it by timer
 * preemption (12 ms slices), so every thread is switched in many times.
 *
 * Known answer: on every CPU, burn_a, burn_b and burn_c take 50 %, 30 %
 * and 20 % of the TSC time spent burning (each round runs the function
 * furthest behind its share for a random 20-80 us, so the pattern has no
 * period a sampling profiler could alias with; time the vCPU was not
 * running is excluded, see burn_cycles).  Each
 * is reached through spin_worker -> spin_round -> spin_dispatch ->
 * spin_phase -> burn_x (call chain five deep).  Runs `duration=` ms
 * (default 2000).  Prints:
 *   spin: known-answer burn_a=50 burn_b=30 burn_c=20
 *   spin: result cpu=N burn_a=PP.P burn_b=PP.P burn_c=PP.P rounds=N threads=N switches=N
 *   spin: result total burn_a=PP.P burn_b=PP.P burn_c=PP.P stolen_ms=N
 */
#include "app.h"

/* One burn call lasts MIN_US..MIN_US+SPAN_US-1: short, so the 5:3:2
 * steering stays tight; random, so the rounds are not periodic. */
#define MIN_US  20
#define SPAN_US 61

struct spin_stats {
    uint64_t a, b, c, rounds;
    uint64_t rng; /* xorshift64 state, per thread */
    uint64_t end_ns;
    uint64_t switches; /* times this thread was switched in */
};

/*
 * Burns `units` of TSC time and returns the TSC cycles actually burnt.
 * Under TCG on a busy host a vCPU can be descheduled mid-burn; such gaps
 * (two consecutive TSC reads more than 1 ms apart) are "stolen" time:
 * not counted, and a sampling profiler sees no samples in them either.
 */
static uint64_t stolen;

static noinline uint64_t burn_cycles(uint64_t us)
{
    uint64_t target = us * tsc_khz() / 1000, gap = tsc_khz();
    uint64_t acc = 0, prev = rdtsc();
    while (acc < target) {
        uint64_t now = rdtsc();
        uint64_t d = now - prev;
        if (d < gap)
            acc += d;
        else
            __atomic_fetch_add(&stolen, d, __ATOMIC_RELAXED);
        prev = now;
    }
    return acc;
}

/* noipa: the three bodies are identical, and gcc's identical-code folding
 * would otherwise merge them into one symbol that no profiler can split. */
static __attribute__((noipa)) uint64_t burn_a(uint64_t us)
{
    return burn_cycles(us);
}

static __attribute__((noipa)) uint64_t burn_b(uint64_t us)
{
    return burn_cycles(us);
}

static __attribute__((noipa)) uint64_t burn_c(uint64_t us)
{
    return burn_cycles(us);
}

static uint64_t next_rand(struct spin_stats *s)
{
    s->rng ^= s->rng << 13;
    s->rng ^= s->rng >> 7;
    s->rng ^= s->rng << 17;
    return s->rng;
}

static noinline void spin_phase(struct spin_stats *s, int which)
{
    uint64_t us = MIN_US + next_rand(s) % SPAN_US;
    if (which == 0)
        s->a += burn_a(us);
    else if (which == 1)
        s->b += burn_b(us);
    else
        s->c += burn_c(us);
}

/* Runs the function furthest behind its share (5:3:2 of the TSC time
 * burnt so far).  Steering by measured time keeps the ratio exact even
 * when the host deschedules a vCPU in the middle of a burn. */
static noinline void spin_dispatch(struct spin_stats *s)
{
    uint64_t total = s->a + s->b + s->c;
    int64_t da = (int64_t)(total * 5 / 10) - (int64_t)s->a;
    int64_t db = (int64_t)(total * 3 / 10) - (int64_t)s->b;
    int64_t dc = (int64_t)(total * 2 / 10) - (int64_t)s->c;
    int which = 0;
    if (db > da && db >= dc)
        which = 1;
    else if (dc > da && dc > db)
        which = 2;
    spin_phase(s, which);
}

static noinline void spin_round(struct spin_stats *s)
{
    spin_dispatch(s);
    s->rounds++;
}

static void spin_worker(void *arg)
{
    struct spin_stats *s = arg;
    while (now_ns() < s->end_ns)
        spin_round(s);
    s->switches = thread_current()->nr_switches;
}

static void pct(char *buf, size_t n, uint64_t part, uint64_t total)
{
    uint64_t permille = total ? part * 1000 / total : 0;
    snprintf(buf, n, "%lu.%lu", permille / 10, permille % 10);
}

static int spin_main(const char *args)
{
    (void)args;
    int n = app_ncpus();
    int per = (int)app_arg_u64("per_cpu", 2);
    if (per < 1 || per > 8)
        per = 2;
    uint64_t dur = app_arg_u64("duration", 2000);
    printk("spin: known-answer burn_a=50 burn_b=30 burn_c=20\n");
    struct spin_stats *st = kzalloc(sizeof *st * (size_t)(n * per));
    struct thread **t = kzalloc(sizeof *t * (size_t)(n * per));
    uint64_t end = now_ns() + dur * 1000000;
    for (int i = 0; i < n * per; i++) {
        st[i].end_ns = end;
        st[i].rng = rdtsc() | 1; /* any non-zero seed */
        char name[16];
        snprintf(name, sizeof name, "spin/%d.%d", i / per, i % per);
        t[i] = thread_create(name, spin_worker, &st[i], i / per);
    }
    uint64_t ta = 0, tb = 0, tc = 0;
    char a[16], b[16], c[16];
    for (int cpu = 0; cpu < n; cpu++) {
        struct spin_stats sum = {0};
        for (int j = 0; j < per; j++) {
            struct spin_stats *x = &st[cpu * per + j];
            thread_join(t[cpu * per + j]);
            sum.a += x->a;
            sum.b += x->b;
            sum.c += x->c;
            sum.rounds += x->rounds;
            sum.switches += x->switches;
        }
        uint64_t tot = sum.a + sum.b + sum.c;
        pct(a, sizeof a, sum.a, tot);
        pct(b, sizeof b, sum.b, tot);
        pct(c, sizeof c, sum.c, tot);
        printk("spin: result cpu=%d burn_a=%s burn_b=%s burn_c=%s rounds=%lu threads=%d "
               "switches=%lu\n",
               cpu, a, b, c, sum.rounds, per, sum.switches);
        ta += sum.a;
        tb += sum.b;
        tc += sum.c;
    }
    uint64_t tot = ta + tb + tc;
    pct(a, sizeof a, ta, tot);
    pct(b, sizeof b, tb, tot);
    pct(c, sizeof c, tc, tot);
    printk("spin: result total burn_a=%s burn_b=%s burn_c=%s stolen_ms=%lu\n", a, b, c,
           stolen / tsc_khz());
    kfree(st);
    kfree(t);
    return 0;
}

APP_DEFINE(spin, spin_main, "three functions burn CPU 50/30/20 on every CPU");
