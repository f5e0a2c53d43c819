/* 16550 UART.  COM1 is the human console; COM2 is initialised for the
 * data channel but nothing writes to it yet. */
#include "serial.h"
#include <stdint.h>
#include "x86.h"

uint64_t tsc_khz(void);

void serial_init(unsigned short port)
{
    outb(port + 1, 0x00); /* no interrupts: the console is polled */
    outb(port + 3, 0x80); /* DLAB */
    outb(port + 0, 0x01); /* 115200 baud */
    outb(port + 1, 0x00);
    outb(port + 3, 0x03); /* 8n1 */
    outb(port + 2, 0xc7); /* FIFO on, cleared */
    outb(port + 4, 0x03); /* DTR, RTS */
}

/* Waits for LSR bit `bit`, bounded: ~100 ms of TSC time (a fixed spin
 * count before the TSC is calibrated), so a stuck UART cannot hang us.
 * QEMU keeps THRE clear while its chardev backend cannot take data, so
 * this wait is real back-pressure, not a formality. */
static void wait_lsr(unsigned short port, unsigned char bit)
{
    uint64_t khz = tsc_khz();
    uint64_t end = khz ? rdtsc() + khz * 100 : 0;
    for (unsigned long i = 0; !(inb(port + 5) & bit); i++) {
        if (khz ? rdtsc() > end : i > 10000000)
            return;
        cpu_relax();
    }
}

void serial_putc(unsigned short port, char c)
{
    wait_lsr(port, 0x20); /* THR empty */
    outb(port, (unsigned char)c);
}

/* Waits until every byte written so far has left the UART (TEMT): called
 * before powering off, or QEMU would drop what is still queued. */
void serial_flush(unsigned short port)
{
    for (int i = 0; i < 20; i++)
        wait_lsr(port, 0x40);
}

void serial_write(unsigned short port, const char *s, unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_putc(port, '\r');
        serial_putc(port, s[i]);
    }
}
