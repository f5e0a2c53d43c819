/* Just enough ACPI: RSDP -> XSDT/RSDT -> a table by signature; the MADT
 * gives the local APICs (CPUs). */
#include "kernel.h"
#include "acpi.h"
#include "arch.h"
#include "bootinfo.h"
#include "layout.h"
#include "string.h"

const struct acpi_sdt *acpi_find_table(const char *sig)
{
    const uint8_t *rsdp = P2V(bootinfo.rsdp);
    if (!bootinfo.rsdp || memcmp(rsdp, "RSD PTR ", 8))
        return 0;
    uint8_t rev = rsdp[15];
    uint64_t root;
    int wide = 0;
    if (rev >= 2 && *(const uint64_t *)(rsdp + 24)) {
        root = *(const uint64_t *)(rsdp + 24);
        wide = 1;
    } else {
        root = *(const uint32_t *)(rsdp + 16);
    }
    const struct acpi_sdt *r = P2V(root);
    if (r->len < sizeof *r || r->len > 65536)
        return 0;
    int n = (int)((r->len - sizeof *r) / (wide ? 8 : 4));
    const uint8_t *ents = (const uint8_t *)(r + 1);
    for (int i = 0; i < n; i++) {
        uint64_t pa = wide ? *(const uint64_t *)(ents + 8 * i) : *(const uint32_t *)(ents + 4 * i);
        const struct acpi_sdt *t = P2V(pa);
        if (!memcmp(t->sig, sig, 4))
            return t;
    }
    return 0;
}

int acpi_find_cpus(uint32_t *ids, int max)
{
    const struct acpi_sdt *madt = acpi_find_table("APIC");
    if (!madt)
        return 0;
    const uint8_t *p = (const uint8_t *)madt + sizeof *madt + 8;
    const uint8_t *end = (const uint8_t *)madt + madt->len;
    int n = 0;
    while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
        if (p[0] == 0 && (p[4] & 1) && n < max) /* processor local APIC, enabled */
            ids[n++] = p[3];
        p += p[1];
    }
    return n;
}
