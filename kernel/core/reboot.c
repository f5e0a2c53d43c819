/*
 * Machine reset, tried three ways: the q35 chipset's reset control
 * register, the keyboard controller's pulse-reset command, and at last a
 * triple fault, which every x86 turns into a reset.  Each way is given a
 * moment to act before the next is tried.
 */
#include "kernel.h"
#include "reboot.h"
#include "sched.h"
#include "serial.h"
#include "trace.h"
#include "x86.h"

#define RST_CNT     0xcf9 /* ICH9 reset control: bit 1 SYS_RST (full reset), bit 2 RST_CPU (go) */
#define KBC_STATUS  0x64
#define KBC_IBF     0x02 /* input buffer full: the controller has not taken the last byte */
#define KBC_PULSE   0xfe /* pulse output line 0: the CPU's reset pin */
#define RESET_GRACE 100  /* ms each way gets before the next is tried */
/* The drain waits up to 10 s for a host that has not connected yet, then
 * sends at the carrier's pace (COM2 under TCG: about 100 KB/s, so two full
 * 1 MiB rings take some 20 s).  A host that stops reading would hold it
 * forever: past this, the reset goes ahead without the rest. */
#define DRAIN_LIMIT_S 40

/* Busy wait on the TSC: interrupts are off by then, no sleeping. */
static void spin_ms(uint64_t ms)
{
    uint64_t end = now_ns() + ms * 1000000;
    while (now_ns() < end)
        cpu_relax();
}

static void reset_cf9(void)
{
    /* SYS_RST first, then SYS_RST|RST_CPU: the chipset resets on the
     * 0->1 edge of RST_CPU, with the kind of reset chosen by SYS_RST. */
    outb(RST_CNT, 0x02);
    outb(RST_CNT, 0x06);
}

static void reset_kbc(void)
{
    for (int i = 0; i < 100000 && (inb(KBC_STATUS) & KBC_IBF); i++)
        cpu_relax();
    outb(KBC_STATUS, KBC_PULSE);
}

static noreturn void triple_fault(void)
{
    /* With an empty IDT the breakpoint cannot be delivered (#GP), nor
     * can that (#DF), and a fault on a double fault resets the CPU. */
    static const struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) no_idt = {0, 0};
    __asm__ volatile("lidt %0\n\tint3" : : "m"(no_idt) : "memory");
    for (;;)
        hlt();
}

static volatile int drained;

static void drain_thread(void *arg)
{
    (void)arg;
    trace_final_drain();
    drained = 1;
}

/* The host learns of a reset only when QEMU goes away: send the closed
 * and current pages first, on a thread of its own so that a drain that
 * cannot finish does not stop the reset. */
static void drain_bounded(void)
{
    if (!thread_create("reboot/drain", drain_thread, 0, -1)) {
        trace_final_drain(); /* out of memory: drain here, unbounded */
        return;
    }
    uint64_t end = now_ns() + DRAIN_LIMIT_S * 1000000000ull;
    while (!drained && now_ns() < end)
        thread_sleep_ns(1000000);
    if (!drained)
        printk("kernel: trace drain unfinished after %d s, resetting anyway\n", DRAIN_LIMIT_S);
}

noreturn void machine_reboot(const char *who)
{
    printk("kernel: reboot requested by %s\n", who ? who : "?");
    drain_bounded();
    printk("kernel: resetting\n");
    serial_flush(COM1);
    cli();
    reset_cf9();
    spin_ms(RESET_GRACE);
    reset_kbc();
    spin_ms(RESET_GRACE);
    triple_fault();
}
