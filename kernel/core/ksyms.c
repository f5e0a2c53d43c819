/* Symbolization from the table embedded at link time.  The table holds
 * link-time addresses; the running kernel subtracts its slide. */
#include "kernel.h"
#include "bootinfo.h"
#include "ksyms.h"

extern const char __ksyms_start[], __ksyms_end[];

const char *ksym_lookup(uint64_t addr, uint64_t *off)
{
    return ksym_find(__ksyms_start, (size_t)(__ksyms_end - __ksyms_start), addr - bootinfo.slide,
                     (uint64_t)__text_end - bootinfo.slide, off);
}
