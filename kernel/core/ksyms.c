/* Symbolization from the table embedded at link time.  The table holds
 * link-time addresses; the running kernel subtracts its slide. */
#include "kernel.h"
#include "bootinfo.h"
#include "ksyms.h"
#include "string.h"

extern const char __ksyms_start[], __ksyms_end[];

const char *ksym_lookup(uint64_t addr, uint64_t *off)
{
    return ksym_find(__ksyms_start, (size_t)(__ksyms_end - __ksyms_start), addr - bootinfo.slide,
                     (uint64_t)__text_end - bootinfo.slide, off);
}

uint64_t ksym_address(const char *name)
{
    size_t size = (size_t)(__ksyms_end - __ksyms_start);
    uint64_t n = *(const uint64_t *)__ksyms_start;
    if (n > (size - 8) / sizeof(struct ksym))
        return 0;
    const struct ksym *t = (const struct ksym *)(__ksyms_start + 8);
    const char *names = (const char *)(t + n);
    for (uint64_t i = 0; i < n; i++)
        if (!strcmp(names + t[i].name_off, name))
            return t[i].addr + bootinfo.slide;
    return 0;
}
