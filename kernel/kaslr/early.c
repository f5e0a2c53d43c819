/*
 * The early boot stage.  Runs in long mode on the boot identity map, at
 * the physical load address, before any relocation: every access here
 * is RIP-relative, and no initialised pointer in .data may be used
 * (those still hold link-time values).  It
 *   1. copies the command line and memory map out of hvm_start_info,
 *   2. picks the kernel's virtual base (and the heap and stack bases)
 *      from one seed: virtio-rng bytes if a device is there (early_rng.c),
 *      TSC jitter and RDRAND, mixed (random.c, entropy.c),
 *   3. builds the final page tables,
 *   4. applies the R_X86_64_RELATIVE relocations for the chosen base,
 *   5. switches CR3 and jumps to kmain at the high address.
 */
#include "bootinfo.h"
#include "cmdline.h"
#include "idt.h"
#include "kaslr.h"
#include "layout.h"
#include "printk.h"
#include "pt.h"
#include "serial.h"
#include "string.h"
#include "x86.h"

struct hvm_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};
struct hvm_memmap_entry {
    uint64_t addr, size;
    uint32_t type, reserved;
};

#define PT_POOL_PAGES 96
static uint8_t pt_pool[PT_POOL_PAGES][4096] __attribute__((aligned(4096)));
static unsigned pt_pool_used;

struct bootinfo bootinfo;
unsigned long hhdm_base;

extern char __image_start[], __image_end[], __text_start[], __text_end[];
extern char __rodata_end[];
extern const uint64_t _DYNAMIC[]; /* d_tag, d_val pairs, DT_NULL-terminated */
extern char boot_stack_top[];
void kmain(void);

static void early_puts(const char *s)
{
    serial_write(COM1, s, strlen(s));
}

static void early_die(const char *s)
{
    early_puts("early boot: fatal: ");
    early_puts(s);
    early_puts("\n");
    outb(0xf4, 0x7f); /* isa-debug-exit */
    for (;;)
        hlt();
}

/* A fault before kmain installs its IDT lands here (boot.S early stubs). */
void early_trap(uint64_t vector, const uint64_t *frame);
void early_trap(uint64_t vector, const uint64_t *frame)
{
    char buf[160];
    int has_error = vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 ||
                    vector == 29 || vector == 30;
    uint64_t cr2;
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    snprintf(buf, sizeof buf, "exception %lu at rip 0x%lx error 0x%lx cr2 0x%lx (no symbols yet)",
             vector, frame[has_error], has_error ? frame[0] : 0, cr2);
    early_die(buf);
}

static struct idt_gate early_idt[32];
extern char early_isr_0[];

static void early_idt_init(void)
{
    for (int v = 0; v < 32; v++) /* stubs are 16 bytes apart (linker.ld checks) */
        idt_set_gate(&early_idt[v], (uint64_t)early_isr_0 + 16 * (uint64_t)v, 0);
    idt_load_table(early_idt, 32);
}

static uint64_t pool_alloc(void *ctx)
{
    (void)ctx;
    if (pt_pool_used >= PT_POOL_PAGES)
        return 0;
    uint8_t *p = pt_pool[pt_pool_used++];
    memset(p, 0, 4096);
    return (uint64_t)p; /* identity mapped: virtual == physical */
}

static void map(uint64_t root, uint64_t va, uint64_t pa, uint64_t flags, int large)
{
    if (pt_map(root, 0, va, pa, flags, large, pool_alloc, 0))
        early_die("out of early page-table pages");
}

void kaslr_early(uint32_t si_phys, uint64_t tsc)
{
    struct bootinfo *bi = &bootinfo;
    const struct hvm_start_info *si = (const void *)(uint64_t)si_phys;

    serial_init(COM1);
    early_idt_init();
    if (si->magic != 0x336ec578)
        early_die("bad hvm_start_info magic");
    if (cmdline_get((const char *)si->cmdline_paddr, "earlyfault", 0, 0))
        *(volatile uint64_t *)0xdead000000000000UL = 1; /* test hook: fault before relocation */
    bi->tsc_entry = tsc;
    bi->phys_base = (uint64_t)__image_start;
    bi->image_size = (uint64_t)(__image_end - __image_start);
    bi->rsdp = si->rsdp_paddr;
    if (si->cmdline_paddr)
        strncpy_z(bi->cmdline, (const char *)si->cmdline_paddr, sizeof bi->cmdline);
    if (si->version >= 1 && si->memmap_paddr) {
        const struct hvm_memmap_entry *m = (const void *)si->memmap_paddr;
        for (uint32_t i = 0; i < si->memmap_entries && bi->nmem < BOOT_MEMMAP_MAX; i++) {
            if (!m[i].size)
                continue; /* microvm counts an all-zero last entry */
            bi->mem[bi->nmem].addr = m[i].addr;
            bi->mem[bi->nmem].size = m[i].size;
            bi->mem[bi->nmem].type = m[i].type;
            bi->nmem++;
        }
    }
    if (!bi->nmem)
        early_die("no memory map in hvm_start_info");

    /* Layout decisions.  One 64-bit seed drives all of them, so that
     * kaslr_seed=<the printed seed> reproduces a boot exactly. */
    uint64_t size = (bi->image_size + 0xfff) & ~0xfffUL;
    if (cmdline_get(bi->cmdline, "nokaslr", 0, 0)) {
        bi->kaslr = 0;
        bi->seed_source = SEED_NONE;
        strncpy_z(bi->rng_note, "not read (nokaslr)", sizeof bi->rng_note);
        bi->virt_base = KERNEL_LINK;
        bi->heap_base = HEAP_WIN_START;
        bi->stack_base = STACK_WIN_START;
        hhdm_base = HHDM_WIN_START;
    } else {
        uint64_t seed;
        if (cmdline_get_u64(bi->cmdline, "kaslr_seed", &seed)) {
            bi->seed_source = SEED_CMDLINE; /* overrides every source: reproducible */
            strncpy_z(bi->rng_note, "not read (kaslr_seed=)", sizeof bi->rng_note);
        } else {
            /* Device entropy first (kaslr/early_rng.c), then mixed with the
             * CPU's (kaslr/random.c, kaslr/entropy.c). */
            uint8_t dev[32];
            uint64_t t0 = rdtsc();
            bi->rng_bytes =
                (uint32_t)early_rng_read(dev, sizeof dev, bi->rng_note, sizeof bi->rng_note);
            bi->rng_cycles = rdtsc() - t0;
            seed = boot_seed(dev, bi->rng_bytes, &bi->seed_source);
            memset(dev, 0, sizeof dev);
        }
        bi->seed = seed;
        bi->kaslr = 1;
        struct kaslr_bases b;
        kaslr_bases(seed, size, &b);
        bi->virt_base = b.kernel;
        bi->heap_base = b.heap;
        bi->stack_base = b.stacks;
        hhdm_base = b.directmap;
    }
    bi->slide = bi->virt_base - KERNEL_LINK;

    /* Final page tables. */
    uint64_t root = pool_alloc(0);
    bi->pml4_phys = root;
    /* Identity map of the low 4 GiB (boot and AP trampoline only); page 0
     * stays unmapped so NULL dereferences fault. */
    for (uint64_t pa = 0x1000; pa < 0x200000; pa += 0x1000)
        map(root, pa, pa, PTE_W, 0);
    for (uint64_t pa = 0x200000; pa < (4UL << 30); pa += 0x200000)
        map(root, pa, pa, PTE_W, 1);
    /* Direct map of physical memory. */
    uint64_t top = 4UL << 30;
    for (uint32_t i = 0; i < bi->nmem; i++)
        if (bi->mem[i].type == 1 && bi->mem[i].addr + bi->mem[i].size > top)
            top = bi->mem[i].addr + bi->mem[i].size;
    if (top > HHDM_MAX)
        top = HHDM_MAX;
    for (uint64_t pa = 0; pa < top; pa += 0x200000)
        map(root, hhdm_base + pa, pa, PTE_W | PTE_NX, 1);
    /* The kernel image, 4 KiB pages with section permissions (W^X). */
    uint64_t text_lo = (uint64_t)(__text_start - __image_start);
    uint64_t text_hi = (uint64_t)(__text_end - __image_start);
    uint64_t ro_hi = (uint64_t)(__rodata_end - __image_start);
    for (uint64_t off = 0; off < size; off += 0x1000) {
        uint64_t fl;
        if (off >= text_lo && off < text_hi)
            fl = 0;
        else if (off >= text_hi && off < ro_hi)
            fl = PTE_NX;
        else
            fl = PTE_W | PTE_NX;
        map(root, bi->virt_base + off, bi->phys_base + off, fl, 0);
    }

    /* Relocate in place through the identity map.  The table is found
     * through _DYNAMIC (DT_RELA/DT_RELASZ), not linker-script symbols: ld
     * sizes .rela.dyn late when read-only sections carry relocations
     * (e.g. -mrecord-mcount's __mcount_loc), after such symbols are fixed. */
    uint64_t rela = 0, relasz = 0, relaent = sizeof(struct elf64_rela);
    for (const uint64_t *d = _DYNAMIC; d[0] != 0; d += 2) {
        if (d[0] == 7)
            rela = d[1];
        else if (d[0] == 8)
            relasz = d[1];
        else if (d[0] == 9)
            relaent = d[1];
    }
    if (relaent != sizeof(struct elf64_rela) ||
        (relasz && (rela < KERNEL_LINK || rela - KERNEL_LINK + relasz > bi->image_size)))
        early_die("bad DT_RELA table");
    const struct elf64_rela *table =
        (const struct elf64_rela *)(rela - KERNEL_LINK + bi->phys_base);
    long n = reloc_apply(table, relasz / sizeof(struct elf64_rela), (uint8_t *)bi->phys_base,
                         bi->image_size, KERNEL_LINK, bi->virt_base);
    if (n < 0)
        early_die("unsupported relocation");
    bi->nrelocs = (uint32_t)n;

    uint64_t entry = (uint64_t)kmain - bi->phys_base + bi->virt_base;
    uint64_t stack = (uint64_t)boot_stack_top - bi->phys_base + bi->virt_base;
    __asm__ volatile("mov %0, %%cr3\n\t"
                     "mov %1, %%rsp\n\t"
                     "xor %%ebp, %%ebp\n\t"
                     "push $0\n\t" /* fake return address ends backtraces */
                     "jmp *%2"
                     :
                     : "r"(root), "r"(stack), "r"(entry)
                     : "memory");
    __builtin_unreachable();
}
