/*
 * vsockecho: listens on vsock port `port=` (default 5000) and echoes every
 * byte back until the host closes, for `conns=` connections (default 1).
 * Known answer: every connection echoes exactly the bytes it received
 * (`vsockecho: result conn=N bytes_in=X bytes_out=X`).  Without a vsock
 * device it prints "vsockecho: no vsock device" and returns 0, so the app
 * also boots on plain QEMU (CI).
 */
#include "app.h"
#include "vsock.h"

static int vsockecho_main(const char *args)
{
    (void)args;
    uint32_t port = (uint32_t)app_arg_u64("port", 5000);
    uint64_t conns = app_arg_u64("conns", 1);
    if (!vsock_available()) {
        printk("vsockecho: no vsock device\n");
        return 0;
    }
    struct vsock_listener *l = vsock_listen(port);
    if (!l) {
        printk("vsockecho: cannot listen on port %u\n", port);
        return 1;
    }
    printk("vsockecho: known-answer listening cid=%lu port=%u conns=%lu\n", vsock_local_cid(), port,
           conns);
    uint8_t *buf = kmalloc(16384);
    int rc = 0;
    for (uint64_t i = 0; i < conns; i++) {
        struct vsock_conn *c = vsock_accept(l);
        uint64_t in = 0, out = 0;
        long n, err = 0;
        while ((n = vsock_recv(c, buf, 16384)) > 0) {
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
        printk("vsockecho: result conn=%lu bytes_in=%lu bytes_out=%lu err=%ld\n", i, in, out, err);
        if (in != out)
            rc = 1;
    }
    struct vsock_stats s;
    vsock_get_stats(&s);
    printk("vsockecho: stats rx_pkts=%lu tx_pkts=%lu dropped=%lu rst_tx=%lu credit_update_tx=%lu "
           "credit_request_tx=%lu\n",
           s.rx_pkts, s.tx_pkts, s.dropped, s.resets_tx, s.credit_updates_tx, s.credit_requests_tx);
    kfree(buf);
    return rc;
}

APP_DEFINE(vsockecho, vsockecho_main,
           "vsock echo server on port=N (tests the virtio-vsock driver)");
