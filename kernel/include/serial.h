#ifndef SERIAL_H
#define SERIAL_H
#define COM1 0x3f8
#define COM2 0x2f8 /* reserved: the data channel (next issue) */

void serial_init(unsigned short port);
void serial_putc(unsigned short port, char c);
void serial_write(unsigned short port, const char *s, unsigned long n);
void serial_flush(unsigned short port);
#endif
