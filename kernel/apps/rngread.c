/*
 * rngread: reads `bytes=` bytes (default 65536) from virtio-rng and prints
 * the first 16 in hex, the rate and how many distinct byte values came
 * out.  Known answer: `rngread: result bytes=<bytes> distinct=256` (64 KiB
 * of real entropy covers every byte value).  Without the device (QEMU
 * `-device virtio-rng-pci`) it prints "rngread: no virtio-rng device" and
 * returns 0.
 */
#include "app.h"
#include "virtio.h"

static int rngread_main(const char *args)
{
    (void)args;
    uint64_t n = app_arg_u64("bytes", 65536);
    if (n == 0 || n > (1 << 20))
        n = 65536;
    uint8_t *buf = kmalloc(n);
    uint64_t t0 = now_ns();
    long got = virtio_rng_read(buf, n);
    uint64_t ns = now_ns() - t0;
    if (got < 0) {
        printk("rngread: no virtio-rng device\n");
        kfree(buf);
        return 0;
    }
    printk("rngread: known-answer bytes=%lu distinct=256\n", n);
    static uint8_t seen[256];
    int distinct = 0;
    for (long i = 0; i < got; i++) {
        if (!seen[buf[i]]) {
            seen[buf[i]] = 1;
            distinct++;
        }
    }
    char hex[33];
    for (int i = 0; i < 16 && i < got; i++)
        snprintf(hex + 2 * i, 3, "%02x", buf[i]);
    hex[got < 16 ? 2 * got : 32] = 0;
    printk("rngread: first=%s ns=%lu\n", hex, ns);
    printk("rngread: result bytes=%ld distinct=%d\n", got, distinct);
    printk("rngread: irqs=%lu\n", virtio_rng_irqs()); /* 0 when polled */
    kfree(buf);
    return (uint64_t)got == n ? 0 : 1;
}

APP_DEFINE(rngread, rngread_main, "reads bytes=N from virtio-rng (tests the driver)");
