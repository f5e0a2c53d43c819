/*
 * Machine reset, tried three ways: the q35 chipset's reset control
 * register, the keyboard controller's pulse-reset command, and at last a
 * triple fault, which every x86 turns into a reset.  Each way is given a
 * moment to act before the next is tried.
 */
#include "kernel.h"
#include "reboot.h"
#include "serial.h"
#include "trace.h"
#include "x86.h"

#define RST_CNT     0xcf9 /* ICH9 reset control: bit 1 SYS_RST (full reset), bit 2 RST_CPU (go) */
#define KBC_STATUS  0x64
#define KBC_IBF     0x02 /* input buffer full: the controller has not taken the last byte */
#define KBC_PULSE   0xfe /* pulse output line 0: the CPU's reset pin */
#define RESET_GRACE 100  /* ms each way gets before the next is tried */

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

noreturn void machine_reboot(const char *who)
{
    printk("kernel: reboot requested by %s\n", who ? who : "?");
    /* The host learns of a reset only when QEMU goes away: send the
     * closed and current pages first (bounded: trace/channel.c). */
    trace_final_drain();
    printk("kernel: resetting\n");
    serial_flush(COM1);
    cli();
    reset_cf9();
    spin_ms(RESET_GRACE);
    reset_kbc();
    spin_ms(RESET_GRACE);
    triple_fault();
}
