/*
 * vsockstream: connects to host vsock port `port=` (default 5001) and
 * sends `bytes=` bytes (default 16 MiB) of the pattern byte i = i * 7 + 1
 * (mod 256), then closes; prints the guest-side throughput.  Known
 * answer: `vsockstream: result sent=<bytes>`.  Without a vsock device it
 * prints "vsockstream: no vsock device" and returns 0.  Measures
 * guest-to-host throughput against the COM2 data channel.
 */
#include "app.h"
#include "vsock.h"

#define CHUNK 16384

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
    uint64_t sent = 0, t0 = now_ns();
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
    uint64_t ns = now_ns() - t0;
    vsock_close(c);
    kfree(buf);
    uint64_t kbps = ns ? sent * 1000000 / ns : 0; /* bytes/ns * 1e6 = KB/s (1000 B) */
    printk("vsockstream: result sent=%lu ns=%lu rate_kBps=%lu\n", sent, ns, kbps);
    return sent == total ? 0 : 1;
}

APP_DEFINE(vsockstream, vsockstream_main, "streams bytes=N to host vsock port=N (throughput)");
