/* Binary search in the embedded symbol table; pure, host-tested.  The
 * blob is bounds-checked so a corrupt table (say, during a panic after
 * memory corruption) yields "?" rather than a nested fault. */
#include "ksyms.h"

const char *ksym_find(const void *blob, size_t size, uint64_t link, uint64_t text_end,
                      uint64_t *off)
{
    if (size < 8)
        return 0;
    uint64_t n = *(const uint64_t *)blob;
    if (n == 0 || n > (size - 8) / sizeof(struct ksym))
        return 0;
    const struct ksym *t = (const struct ksym *)((const char *)blob + 8);
    const char *names = (const char *)(t + n);
    size_t names_size = size - 8 - n * sizeof(struct ksym);
    if (link < t[0].addr || link >= text_end)
        return 0;
    uint64_t lo = 0, hi = n; /* last entry with addr <= link */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (t[mid].addr <= link)
            lo = mid;
        else
            hi = mid;
    }
    if (t[lo].name_off >= names_size)
        return 0;
    *off = link - t[lo].addr;
    return names + t[lo].name_off;
}
