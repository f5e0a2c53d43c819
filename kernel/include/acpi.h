/* Just enough ACPI: find a table by signature through the RSDP. */
#ifndef ACPI_H
#define ACPI_H
#include <stdint.h>

/* The header every ACPI system description table starts with. */
struct acpi_sdt {
    char sig[4];
    uint32_t len;
    uint8_t rev, csum;
    char oem[6], oemtab[8];
    uint32_t oemrev, creator, creatorrev;
} __attribute__((packed));

/* The table with signature `sig` (e.g. "APIC", "MCFG") through the
 * XSDT or RSDT, or 0; reached through the direct map. */
const struct acpi_sdt *acpi_find_table(const char *sig);
#endif
