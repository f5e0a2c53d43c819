/*
 * Boot-time driver initialisation, called once from kmain after the
 * scheduler runs (drivers may start polling threads) and before the app.
 * A missing device is not an error: the kernel boots without it.
 */
#include "kernel.h"
#include "pci.h"
#include "vsock.h"

void drivers_init(void)
{
    pci_init();
    vsock_init();
}
