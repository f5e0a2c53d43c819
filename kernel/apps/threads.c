/*
 * threads: producers and consumers over a bounded ring protected by a
 * mutex, spread over all CPUs, with sleeps when the ring is full/empty
 * and between items.
 *
 * Known answer: P = 2 * ncpus producers each produce `items=` (default
 * 200) items numbered 1..items; C = 2 * ncpus consumers consume them all.
 * consumed == produced == P * items and the sum of consumed values is
 * P * items * (items + 1) / 2.  Each thread counts its own wake-ups and
 * switches (from its struct thread) and they are printed per thread and
 * in total:
 *   threads: known-answer producers=P consumers=C items=N checksum=S
 *   threads: thread name=... cpu=.. wakeups=.. switches=..
 *   threads: result produced=N consumed=N checksum=S wakeups=W switches=X ok|MISMATCH
 */
#include "app.h"

#define RING 16

static struct mutex ring_lock = MUTEX_INIT;
static uint64_t ring[RING];
static int ring_head, ring_count;
static uint64_t produced, consumed, sum;
static int producers_left;
static uint64_t items;

/* A little work inside the critical section makes the mutex contended. */
static void hold_work(void)
{
    uint64_t end = now_ns() + 20000;
    while (now_ns() < end)
        cpu_relax();
}

static int put(uint64_t v)
{
    int ok = 0;
    mutex_lock(&ring_lock);
    hold_work();
    if (ring_count < RING) {
        ring[(ring_head + ring_count) % RING] = v;
        ring_count++;
        produced++;
        ok = 1;
    }
    mutex_unlock(&ring_lock);
    return ok;
}

/* 1 = got one, 0 = empty, -1 = empty and all producers are done */
static int get(uint64_t *v)
{
    int r;
    mutex_lock(&ring_lock);
    hold_work();
    if (ring_count) {
        *v = ring[ring_head];
        ring_head = (ring_head + 1) % RING;
        ring_count--;
        consumed++;
        sum += *v;
        r = 1;
    } else {
        r = producers_left ? 0 : -1;
    }
    mutex_unlock(&ring_lock);
    return r;
}

static void producer(void *arg)
{
    (void)arg;
    for (uint64_t i = 1; i <= items; i++) {
        while (!put(i))
            sleep_us(500);
        if (i % 8 == 0)
            sleep_us(200);
    }
    mutex_lock(&ring_lock);
    producers_left--;
    mutex_unlock(&ring_lock);
}

static void consumer(void *arg)
{
    (void)arg;
    uint64_t v;
    for (;;) {
        int r = get(&v);
        if (r < 0)
            break;
        if (r == 0)
            sleep_us(300);
    }
}

static int threads_main(const char *args)
{
    (void)args;
    int n = app_ncpus();
    int np = 2 * n, nc = 2 * n;
    items = app_arg_u64("items", 200);
    producers_left = np;
    uint64_t expect = (uint64_t)np * items * (items + 1) / 2;
    printk("threads: known-answer producers=%d consumers=%d items=%lu checksum=%lu\n", np, nc,
           (uint64_t)np * items, expect);
    struct thread **t = kzalloc(sizeof *t * (size_t)(np + nc));
    for (int i = 0; i < np; i++) {
        char name[16];
        snprintf(name, sizeof name, "producer/%d", i);
        t[i] = thread_create(name, producer, 0, i % n);
    }
    for (int i = 0; i < nc; i++) {
        char name[16];
        snprintf(name, sizeof name, "consumer/%d", i);
        t[np + i] = thread_create(name, consumer, 0, (i + 1) % n);
    }
    uint64_t wakeups = 0, switches = 0;
    for (int i = 0; i < np + nc; i++) {
        /* Read the counters before join frees the thread. */
        struct thread *x = t[i];
        while (x->state != T_DEAD)
            sleep_ms(5);
        printk("threads: thread name=%s cpu=%d wakeups=%lu switches=%lu\n", x->name, x->cpu,
               x->nr_wakeups, x->nr_switches);
        wakeups += x->nr_wakeups;
        switches += x->nr_switches;
        thread_join(x);
    }
    int ok = produced == (uint64_t)np * items && consumed == produced && sum == expect;
    printk("threads: result produced=%lu consumed=%lu checksum=%lu wakeups=%lu switches=%lu %s\n",
           produced, consumed, sum, wakeups, switches, ok ? "ok" : "MISMATCH");
    printk("threads: mutex contended=%lu total_switches=%lu\n", ring_lock.contended,
           sched_total_switches());
    kfree(t);
    return ok ? 0 : 1;
}

APP_DEFINE(threads, threads_main, "producers/consumers with mutexes and sleeps");
