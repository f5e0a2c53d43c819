/* 16550 UART.  COM1 is the human console; COM2 is initialised for the
 * data channel but nothing writes to it yet. */
#include "serial.h"
#include "x86.h"

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

void serial_putc(unsigned short port, char c)
{
    /* QEMU's UART is always ready; bound the wait so a missing UART cannot hang us. */
    for (int i = 0; i < 100000 && !(inb(port + 5) & 0x20); i++)
        cpu_relax();
    outb(port, (unsigned char)c);
}

void serial_write(unsigned short port, const char *s, unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_putc(port, '\r');
        serial_putc(port, s[i]);
    }
}
