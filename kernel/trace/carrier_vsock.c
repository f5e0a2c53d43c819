/*
 * The data channel over virtio-vsock (`data=vsock`, docs/protocol.md):
 * the kernel listens on port 5151, the host connects (trace-ingest's
 * vhost-user-vsock back-end and UnixPortExposer).  Same frames and
 * commands as COM2; each new connection gets the hello first.  A closed
 * or failed connection is dropped and the next one awaited; while no host
 * is connected nothing is sent (the closed pages wait in the rings).
 */
#include "kernel.h"
#include "vsock.h"
#include "carrier.h"

static struct vsock_listener *listener;
static struct vsock_conn *conn;
static uint8_t rbuf[512];
static uint32_t rlen, rpos;

static void drop(const char *why)
{
    printk("trace: data channel: vsock connection closed (%s)\n", why);
    vsock_close(conn);
    conn = 0;
}

static int vs_start(void)
{
    listener = vsock_listen(VSOCK_DATA_PORT);
    if (!listener) {
        printk("trace: data=vsock: cannot listen on vsock port %d (no device?)\n", VSOCK_DATA_PORT);
        return -1;
    }
    printk("trace: data channel: listening on vsock port %d (cid %lu)\n", VSOCK_DATA_PORT,
           vsock_local_cid());
    return 0;
}

static int vs_accept(void)
{
    if (conn || !listener)
        return 0;
    conn = vsock_try_accept(listener);
    if (!conn)
        return 0;
    rlen = rpos = 0;
    printk("trace: data channel: host connected on vsock port %d\n", VSOCK_DATA_PORT);
    return 1;
}

static int vs_ready(void)
{
    return conn != 0;
}

static void vs_write(const void *buf, uint32_t n)
{
    if (!conn || !n)
        return;
    if (vsock_send(conn, buf, n) < 0)
        drop("send failed");
}

static int vs_rx_byte(void)
{
    if (!conn)
        return -1;
    if (rpos == rlen) {
        long r = vsock_try_recv(conn, rbuf, sizeof rbuf);
        if (r == VSOCK_EAGAIN)
            return -1;
        if (r <= 0) {
            drop(r ? "receive failed" : "host hung up");
            return -1;
        }
        rlen = (uint32_t)r;
        rpos = 0;
    }
    return rbuf[rpos++];
}

/* After the final drain: shut the connection down; the back-end takes the
 * queued bytes before our SHUTDOWN, so the host reads them all, then EOF. */
static void vs_flush(void)
{
    if (conn) {
        vsock_close(conn);
        conn = 0;
    }
}

const struct trace_carrier_ops trace_carrier_vsock_ops = {
    .name = "vsock",
    .start = vs_start,
    .accept = vs_accept,
    .ready = vs_ready,
    .write = vs_write,
    .rx_byte = vs_rx_byte,
    .flush = vs_flush,
};
