/* Rebooting the machine (core/reboot.c, docs/app-api.md "Reboot"). */
#ifndef REBOOT_H
#define REBOOT_H
#include "kernel.h"

/*
 * Prints `kernel: reboot requested by WHO` on COM1, lets the trace data
 * channel send what the rings hold (bounded, as at app exit), then resets
 * the machine.  Call it from a kernel thread: the drain sleeps.  Under
 * QEMU's -no-reboot the reset ends QEMU (status 0, QMP SHUTDOWN with
 * reason "guest-reset").
 */
noreturn void machine_reboot(const char *who);
#endif
