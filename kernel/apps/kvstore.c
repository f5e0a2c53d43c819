/*
 * kvstore (default app): a small in-memory key-value service.
 *
 * A request-generator thread fills a request queue (mutex + sleeps);
 * one worker per CPU serves GET / PUT / DEL against a chained hash table
 * with a mutex per bucket.  Values are kmalloc'd and replaced/freed
 * properly; one slow leak: every 100th request allocates a 48-byte
 * "audit record" (kvs_audit) that is never freed.
 *
 * Runs `duration=` ms (default 3000), then frees the table.  Known answer:
 * leaked objects = requests / 100 (integer division), 48 bytes each, all
 * allocated in kvs_audit; `leaked` and `leaked_bytes` in the result are
 * measured by the heap (live blocks and bytes left after the shutdown).
 * Prints:
 *   kvstore: known-answer leak_site=kvs_audit leak_size=48 leak_every=100
 *   kvstore: result requests=R gets=G hits=H puts=P dels=D keys=K leaked=L leaked_bytes=B
 */
#include "app.h"

#define NBUCKETS 256
#define NKEYS    1024
#define QMAX     64

struct entry {
    struct entry *next;
    uint64_t key;
    size_t len;
    char *val;
};

struct bucket {
    struct mutex lock;
    struct entry *head;
};

struct req {
    struct req *next;
    int op; /* 0 get, 1 put, 2 del */
    uint64_t key;
    uint64_t seq;
};

static struct bucket table[NBUCKETS];
static struct mutex qlock = MUTEX_INIT;
static struct req *qhead, *qtail;
static int qlen, gen_done;
static uint64_t n_req, n_get, n_hit, n_put, n_del;
static struct mutex stat_lock = MUTEX_INIT;
static void *audit_sink; /* overwritten: the leak is real */

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static noinline void kvs_audit(uint64_t seq)
{
    uint64_t *rec = kmalloc(48);
    rec[0] = seq;
    rec[1] = now_ns();
    audit_sink = rec;
    audit_sink = 0;
}

static noinline void kvs_put(uint64_t key, uint64_t seq)
{
    struct bucket *b = &table[key % NBUCKETS];
    size_t len = 16 + (size_t)(seq % 200);
    char *val = kmalloc(len);
    memset(val, (int)(seq & 0xff), len);
    mutex_lock(&b->lock);
    struct entry *e = b->head;
    while (e && e->key != key)
        e = e->next;
    if (!e) {
        e = kzalloc(sizeof *e);
        e->key = key;
        e->next = b->head;
        b->head = e;
    }
    char *old = e->val;
    e->val = val;
    e->len = len;
    mutex_unlock(&b->lock);
    kfree(old);
}

static noinline int kvs_get(uint64_t key)
{
    struct bucket *b = &table[key % NBUCKETS];
    int hit = 0;
    mutex_lock(&b->lock);
    for (struct entry *e = b->head; e; e = e->next)
        if (e->key == key) {
            volatile char c = e->val[e->len - 1];
            (void)c;
            hit = 1;
            break;
        }
    mutex_unlock(&b->lock);
    return hit;
}

static noinline void kvs_del(uint64_t key)
{
    struct bucket *b = &table[key % NBUCKETS];
    mutex_lock(&b->lock);
    struct entry **pp = &b->head;
    while (*pp && (*pp)->key != key)
        pp = &(*pp)->next;
    struct entry *e = *pp;
    if (e)
        *pp = e->next;
    mutex_unlock(&b->lock);
    if (e) {
        kfree(e->val);
        kfree(e);
    }
}

static noinline void kvs_handle(struct req *r)
{
    if (r->op == 0) {
        int hit = kvs_get(r->key);
        mutex_lock(&stat_lock);
        n_get++;
        n_hit += (uint64_t)hit;
        mutex_unlock(&stat_lock);
    } else if (r->op == 1) {
        kvs_put(r->key, r->seq);
        mutex_lock(&stat_lock);
        n_put++;
        mutex_unlock(&stat_lock);
    } else {
        kvs_del(r->key);
        mutex_lock(&stat_lock);
        n_del++;
        mutex_unlock(&stat_lock);
    }
    if (r->seq % 100 == 99)
        kvs_audit(r->seq);
}

static void generator(void *arg)
{
    uint64_t end = *(uint64_t *)arg;
    uint64_t s = 0x9e3779b97f4a7c15ULL, seq = 0;
    while (now_ns() < end) {
        mutex_lock(&qlock);
        int room = qlen < QMAX;
        mutex_unlock(&qlock);
        if (!room) {
            sleep_us(500);
            continue;
        }
        for (int burst = 0; burst < 8; burst++) {
            struct req *r = kmalloc(sizeof *r);
            uint64_t x = rng_next(&s);
            r->op = (x % 10) < 6 ? 0 : (x % 10) < 9 ? 1 : 2; /* 60 % get, 30 % put, 10 % del */
            r->key = (x >> 8) % NKEYS;
            r->seq = seq++;
            r->next = 0;
            mutex_lock(&qlock);
            if (qtail)
                qtail->next = r;
            else
                qhead = r;
            qtail = r;
            qlen++;
            mutex_unlock(&qlock);
        }
        trace_marker("kvstore: burst");
        sleep_us(200);
    }
    mutex_lock(&qlock);
    gen_done = 1;
    mutex_unlock(&qlock);
}

static void worker(void *arg)
{
    (void)arg;
    for (;;) {
        mutex_lock(&qlock);
        struct req *r = qhead;
        if (r) {
            qhead = r->next;
            if (!qhead)
                qtail = 0;
            qlen--;
        }
        int done = gen_done;
        mutex_unlock(&qlock);
        if (!r) {
            if (done)
                break;
            sleep_us(300);
            continue;
        }
        kvs_handle(r);
        mutex_lock(&stat_lock);
        n_req++;
        mutex_unlock(&stat_lock);
        kfree(r);
    }
}

/* Shuts the service down: frees every entry and value. */
static uint64_t kvs_clear(void)
{
    uint64_t keys = 0;
    for (int i = 0; i < NBUCKETS; i++) {
        struct entry *e = table[i].head;
        table[i].head = 0;
        while (e) {
            struct entry *next = e->next;
            kfree(e->val);
            kfree(e);
            e = next;
            keys++;
        }
    }
    return keys;
}

static int kvstore_main(const char *args)
{
    (void)args;
    int n = app_ncpus();
    for (int i = 0; i < NBUCKETS; i++)
        mutex_init(&table[i].lock);
    uint64_t end = now_ns() + app_arg_u64("duration", 3000) * 1000000;
    printk("kvstore: known-answer leak_site=kvs_audit leak_size=48 leak_every=100 "
           "leaked=requests/100\n");
    uint64_t in0, na0, nf0, in1, na1, nf1;
    heap_stats(&in0, &na0, &nf0);
    struct thread *gen = thread_create("kvs/generator", generator, &end, 0);
    struct thread **w = kzalloc(sizeof *w * (size_t)n);
    for (int i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "kvs/worker%d", i);
        w[i] = thread_create(name, worker, 0, i);
    }
    thread_join(gen);
    for (int i = 0; i < n; i++)
        thread_join(w[i]);
    kfree(w);
    uint64_t keys = kvs_clear();
    /* Everything is freed now except the leaked audit records: the heap
     * itself measures the leak. */
    heap_stats(&in1, &na1, &nf1);
    uint64_t live = (na1 - nf1) - (na0 - nf0);
    printk("kvstore: result requests=%lu gets=%lu hits=%lu puts=%lu dels=%lu keys=%lu "
           "leaked=%lu leaked_bytes=%lu expected_leaked=%lu\n",
           n_req, n_get, n_hit, n_put, n_del, keys, live, in1 - in0, n_req / 100);
    return live == n_req / 100 && in1 - in0 == live * 48 ? 0 : 1;
}

APP_DEFINE(kvstore, kvstore_main, "hash-table service with a slow leak (default)");
