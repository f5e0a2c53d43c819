#include <string.h>
#include "printk.h"
#include "test.h"

static const char *fmt(const char *f, ...)
{
    static char buf[128];
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    return buf;
}

void test_printf_basic(void)
{
    CHECK(!strcmp(fmt("%d %i %u", -5, 7, 4000000000u), "-5 7 4000000000"));
    CHECK(!strcmp(fmt("0x%lx", 0xffffffff80200000UL), "0xffffffff80200000"));
    CHECK(!strcmp(fmt("%016lx", 0x1234UL), "0000000000001234"));
    CHECK(!strcmp(fmt("%5d|%-5d|", 42, 42), "   42|42   |"));
    CHECK(!strcmp(fmt("%s %.3s %c %%", "abc", "abcdef", 'z'), "abc abc z %"));
    CHECK(!strcmp(fmt("%s", (char *)0), "(null)"));
    CHECK(!strcmp(fmt("%p", (void *)0x10), "0x0000000000000010"));
    CHECK(!strcmp(fmt("%ld", (long)-9223372036854775807L - 1), "-9223372036854775808"));
}

void test_printf_truncation(void)
{
    char buf[8];
    int n = snprintf(buf, sizeof buf, "%s", "hello world");
    CHECK_EQ(n, 11);
    CHECK(!strcmp(buf, "hello w"));
    CHECK_EQ(snprintf(buf, 0, "abc"), 3);
}
