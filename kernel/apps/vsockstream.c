/*
 * vsockstream: connects to host vsock port `port=` (default 5001) and
 * sends `bytes=` bytes (default 16 MiB) of the pattern byte i = i * 7 + 1
 * (mod 256), then closes; prints the guest-side throughput.  Known
 * answer: `vsockstream: result sent=<bytes>`.  Without a vsock device it
 * prints "vsockstream: no vsock device" and returns 0.  Measures
 * guest-to-host throughput against the COM2 data channel, and prints
 * `vsockstream: stats irqs=N msix_vectors=N idle_pct=N`: the driver's
 * interrupts and how much of the stream's time the CPUs spent idle
 * (halted in their idle threads) instead of polling.
 */
#include "app.h"
#include "vsock.h"

#define CHUNK 16384

/* Run time of every CPU's idle thread so far.  An idle thread running
 * now has not been charged yet (runtime_ns grows at switch-out), so add
 * its current stretch; unlocked reads, good enough for a measurement. */
static uint64_t idle_ns(void)
{
    uint64_t n = 0, now = now_ns();
    for (int i = 0; i < app_ncpus(); i++) {
        struct thread *t = percpu_area[i].idle;
        n += t->runtime_ns;
        if (percpu_area[i].current == t && now > t->last_in_ns)
            n += now - t->last_in_ns;
    }
    return n;
}

static int vsockstream_main(const char *args)
{
    (void)args;
    uint32_t port = (uint32_t)app_arg_u64("port", 5001);
    uint64_t total = app_arg_u64("bytes", 16 << 20);
    if (!vsock_available()) {
        printk("vsockstream: no vsock device\n");
        return 0;
    }
    printk("vsockstream: known-answer port=%u bytes=%lu\n", port, total);
    int err;
    struct vsock_conn *c = vsock_connect(port, 30ULL * 1000000000, &err);
    if (!c) {
        printk("vsockstream: connect to port %u failed: %d\n", port, err);
        return 1;
    }
    uint8_t *buf = kmalloc(CHUNK);
    uint64_t sent = 0, idle0 = idle_ns(), t0 = now_ns();
    while (sent < total) {
        uint64_t n = total - sent < CHUNK ? total - sent : CHUNK;
        for (uint64_t i = 0; i < n; i++)
            buf[i] = (uint8_t)((sent + i) * 7 + 1);
        long w = vsock_send(c, buf, (size_t)n);
        if (w < 0) {
            printk("vsockstream: send failed after %lu bytes: %ld\n", sent, w);
            break;
        }
        sent += n;
    }
    uint64_t ns = now_ns() - t0, idle = idle_ns() - idle0;
    vsock_close(c);
    kfree(buf);
    uint64_t kbps = ns ? sent * 1000000 / ns : 0; /* bytes/ns * 1e6 = KB/s (1000 B) */
    printk("vsockstream: result sent=%lu ns=%lu rate_kBps=%lu\n", sent, ns, kbps);
    struct vsock_stats s;
    vsock_get_stats(&s);
    uint64_t cpu_ns = ns * (uint64_t)app_ncpus();
    printk("vsockstream: stats irqs=%lu msix_vectors=%u idle_pct=%lu late_polls=%lu\n", s.irqs,
           s.msix_vectors, cpu_ns ? idle * 100 / cpu_ns : 0, s.late_polls);
    return sent == total ? 0 : 1;
}

APP_DEFINE(vsockstream, vsockstream_main, "streams bytes=N to host vsock port=N (throughput)");
