/* Pure code: also compiled into the host unit tests and called by the
 * identity-mapped early boot stage, so it must not touch globals. */
#include "cmdline.h"

int parse_u64(const char *s, uint64_t *val)
{
    uint64_t v = 0;
    int base = 10, digits = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    for (; *s; s++) {
        int d;
        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = *s - 'a' + 10;
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = *s - 'A' + 10;
        else
            return 0;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            return 0; /* overflow */
        v = v * (uint64_t)base + (uint64_t)d;
        digits++;
    }
    if (!digits)
        return 0;
    *val = v;
    return 1;
}

int cmdline_get(const char *cl, const char *key, char *out, size_t n)
{
    const char *p = cl;
    int found = 0;
    if (!cl)
        return 0;
    /* The last occurrence wins, as on Linux. */
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        const char *k = key;
        const char *q = w;
        while (*k && q < p && *q == *k)
            q++, k++;
        if (*k == 0 && (q == p || *q == '=')) {
            found = 1;
            size_t i = 0;
            if (q < p && *q == '=')
                q++;
            if (out && n) {
                while (q < p && i + 1 < n)
                    out[i++] = *q++;
                out[i] = 0;
            }
        }
    }
    return found;
}

int cmdline_get_u64(const char *cl, const char *key, uint64_t *val)
{
    char buf[32];
    if (!cmdline_get(cl, key, buf, sizeof buf))
        return 0;
    return parse_u64(buf, val);
}
