/*
 * The data channel's carrier (trace/channel.c): COM2 (channel.c) or a
 * virtio-vsock stream on port 5151 (carrier_vsock.c), chosen by `data=`.
 * Every call is made by the channel with its tx_lock held.
 */
#ifndef TRACE_CARRIER_H
#define TRACE_CARRIER_H
#include <stdint.h>

struct trace_carrier_ops {
    const char *name;
    /* In the tx thread before its loop (may sleep); 0, or <0: no channel. */
    int (*start)(void);
    /* 1 when a host connected since the last call (the channel then sends
     * the hello); NULL when the host may connect unannounced (COM2). */
    int (*accept)(void);
    int (*ready)(void);                      /* frames can go out now */
    void (*write)(const void *, uint32_t n); /* all n bytes, or dropped with the connection */
    int (*rx_byte)(void);                    /* next received byte, or -1 */
    void (*flush)(void);                     /* after the final drain */
};

extern const struct trace_carrier_ops trace_carrier_vsock_ops;
#endif
