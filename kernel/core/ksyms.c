/* Symbolization from the table embedded at link time.  The table holds
 * link-time addresses; the running kernel subtracts its slide. */
#include "kernel.h"
#include "bootinfo.h"
#include "ksyms.h"
#include "string.h"

struct ksym {
    uint64_t addr;
    uint32_t name_off, pad;
};
extern const char __ksyms_start[];

static uint64_t count(void)
{
    return *(const uint64_t *)__ksyms_start;
}
static const struct ksym *table(void)
{
    return (const struct ksym *)(__ksyms_start + 8);
}
static const char *names(void)
{
    return (const char *)(table() + count());
}

const char *ksym_lookup(uint64_t addr, uint64_t *off)
{
    uint64_t n = count();
    uint64_t link = addr - bootinfo.slide;
    uint64_t text_end = (uint64_t)__text_end - bootinfo.slide;
    if (!n || link < table()[0].addr || link >= text_end)
        return 0;
    uint64_t lo = 0, hi = n; /* last entry with addr <= link */
    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;
        if (table()[mid].addr <= link)
            lo = mid;
        else
            hi = mid;
    }
    *off = link - table()[lo].addr;
    return names() + table()[lo].name_off;
}

uint64_t ksym_address(const char *name)
{
    for (uint64_t i = 0; i < count(); i++)
        if (!strcmp(names() + table()[i].name_off, name))
            return table()[i].addr + bootinfo.slide;
    return 0;
}
