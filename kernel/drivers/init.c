/*
 * Boot-time driver initialisation, called once from kmain after the
 * scheduler runs and before the data channel and the app.  Only PCI is
 * enumerated here (read-only).  Devices are started by their first user
 * (virtio-vsock: vsock_available/vsock_listen/vsock_connect), so an app
 * that never uses vsock leaves the device untouched; VhostUserVsockQemuTest
 * relies on that (it plays the driver over qtest while app=spin runs).
 * A missing device is not an error: the kernel boots without it.
 */
#include "kernel.h"
#include "pci.h"

void drivers_init(void)
{
    pci_init();
}
