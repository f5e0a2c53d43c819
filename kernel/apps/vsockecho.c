/*
 * vsockecho: listens on vsock port `port=` (default 5000) and echoes every
 * byte back until the host closes, for `conns=` connections (default 1),
 * one after the other, or with `threads=N` (1-8) in N threads at once
 * (each thread accepts and serves one connection at a time; conns is
 * rounded up to a multiple of N).
 * Known answer: every connection echoes exactly the bytes it received
 * (`vsockecho: result conn=N bytes_in=X bytes_out=X err=0`).  Without a
 * vsock device it prints "vsockecho: no vsock device" and returns 0, so
 * the app also boots on plain QEMU (CI).  At exit it prints the driver's
 * counters (`vsockecho: stats ...`), including its interrupts (`irqs=`,
 * 0 when the device is polled) and `msix_vectors=`.
 */
#include "app.h"
#include "vsock.h"

#define BUF 16384

struct worker {
    struct vsock_listener *l;
    uint64_t conns;
    int index;
    int failed;
    struct thread *t;
};

static void serve(struct vsock_listener *l, uint64_t conns, int index, int *failed)
{
    uint8_t *buf = kmalloc(BUF);
    for (uint64_t i = 0; i < conns; i++) {
        struct vsock_conn *c = vsock_accept(l);
        uint64_t in = 0, out = 0;
        long n, err = 0;
        while ((n = vsock_recv(c, buf, BUF)) > 0) {
            in += (uint64_t)n;
            long w = vsock_send(c, buf, (size_t)n);
            if (w < 0) {
                err = w;
                break;
            }
            out += (uint64_t)w;
        }
        if (n < 0)
            err = n;
        vsock_close(c);
        printk("vsockecho: result conn=%lu bytes_in=%lu bytes_out=%lu err=%ld\n",
               (uint64_t)index + i, in, out, err);
        if (in != out || err)
            *failed = 1;
    }
    kfree(buf);
}

static void worker_fn(void *arg)
{
    struct worker *w = arg;
    serve(w->l, w->conns, w->index, &w->failed);
}

static int vsockecho_main(const char *args)
{
    (void)args;
    uint32_t port = (uint32_t)app_arg_u64("port", 5000);
    uint64_t conns = app_arg_u64("conns", 1);
    uint64_t nthreads = app_arg_u64("threads", 1);
    if (nthreads < 1 || nthreads > 8)
        nthreads = 1;
    if (!vsock_available()) {
        printk("vsockecho: no vsock device\n");
        return 0;
    }
    struct vsock_listener *l = vsock_listen(port);
    if (!l) {
        printk("vsockecho: cannot listen on port %u\n", port);
        return 1;
    }
    uint64_t per = (conns + nthreads - 1) / nthreads;
    printk("vsockecho: known-answer listening cid=%lu port=%u conns=%lu\n", vsock_local_cid(), port,
           per * nthreads);
    int failed = 0;
    if (nthreads == 1) {
        serve(l, conns, 0, &failed);
    } else {
        /* Worker i numbers its connections i*per .. i*per+per-1. */
        static struct worker w[8];
        for (uint64_t i = 0; i < nthreads; i++) {
            w[i] = (struct worker){.l = l, .conns = per, .index = (int)(i * per)};
            w[i].t = thread_create("vsockecho", worker_fn, &w[i], -1);
        }
        for (uint64_t i = 0; i < nthreads; i++) {
            thread_join(w[i].t);
            failed |= w[i].failed;
        }
    }
    struct vsock_stats s;
    vsock_get_stats(&s);
    printk("vsockecho: stats rx_pkts=%lu tx_pkts=%lu dropped=%lu rst_tx=%lu credit_update_tx=%lu "
           "credit_request_tx=%lu irqs=%lu msix_vectors=%u\n",
           s.rx_pkts, s.tx_pkts, s.dropped, s.resets_tx, s.credit_updates_tx, s.credit_requests_tx,
           s.irqs, s.msix_vectors);
    return failed;
}

APP_DEFINE(vsockecho, vsockecho_main,
           "vsock echo server on port=N, conns=N, threads=N (tests the virtio-vsock driver)");
