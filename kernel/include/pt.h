/*
 * 4-level page-table manipulation, shared by the identity-mapped early
 * boot stage (tables reached at their physical address, p2v = 0) and the
 * running kernel (tables reached through the direct map, p2v = hhdm_base).
 */
#ifndef PT_H
#define PT_H
#include <stdint.h>

#define PTE_P         0x1UL
#define PTE_W         0x2UL
#define PTE_U         0x4UL
#define PTE_PCD       0x10UL
#define PTE_PS        0x80UL
#define PTE_G         0x100UL
#define PTE_NX        (1UL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000UL

/* Returns the physical address of a zeroed page, or 0 when out of memory. */
typedef uint64_t (*pt_alloc_fn)(void *ctx);

/* Maps one 4 KiB page (large = 0) or one 2 MiB page (large = 1).
 * Returns 0, or -1 if a table could not be allocated or a large page is in the way. */
int pt_map(uint64_t root, uint64_t p2v, uint64_t va, uint64_t pa, uint64_t flags, int large,
           pt_alloc_fn alloc, void *ctx);
/* Returns the leaf entry for va (4 KiB or 2 MiB), or 0 if unmapped. */
uint64_t pt_query(uint64_t root, uint64_t p2v, uint64_t va);
/* Clears the 4 KiB leaf for va; returns the old entry. */
uint64_t pt_unmap(uint64_t root, uint64_t p2v, uint64_t va);
#endif
