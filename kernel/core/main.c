/* kmain: the kernel's high-half entry (from kaslr/early.c), on the boot
 * stack of the bootstrap processor. */
#include "kernel.h"
#include "arch.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "layout.h"
#include "mm.h"
#include "pci.h"
#include "sched.h"
#include "serial.h"
#include "trace.h"
#include "uslayout.h"
#include "x86.h"

const char *kernel_cmdline;
void app_start(void);

int cmdline_has(const char *key)
{
    return cmdline_get(kernel_cmdline, key, 0, 0);
}

uint64_t cmdline_u64(const char *key, uint64_t def)
{
    uint64_t v;
    return cmdline_get_u64(kernel_cmdline, key, &v) ? v : def;
}

noreturn void machine_exit(int code)
{
    serial_flush(COM1);
    outb(0xf4, (uint8_t)code); /* isa-debug-exit: QEMU exits with (code << 1) | 1 */
    for (;;) {
        cli();
        hlt();
    }
}

/* `bootfault` on the command line: a deliberate kernel fault in the boot
 * path, to prove such faults are reported rather than hung. */
static noinline void boot_fault_inject(void)
{
    volatile uint64_t *bad = (volatile uint64_t *)0xdead000000000000UL;
    *bad = 1;
}

static const char *const seed_names[] = {"rdrand", "tsc", "cmdline", "none"};

void kmain(void)
{
    percpu_init_bsp();
    gdt_init_cpu(&percpu_area[0]);
    idt_init();
    serial_init(COM1);
    serial_init(COM2); /* data channel (trace/channel.c) */
    kernel_cmdline = bootinfo.cmdline;

    char hex[65];
    build_id_hex(hex);
    printk("uniscope: kernel 0.1 booting build-id=%s\n", hex);
    printk("kaslr: slide=0x%lx base=0x%lx link=0x%lx %s seed=0x%lx source=%s%s relocs=%u\n",
           bootinfo.slide, bootinfo.virt_base, KERNEL_LINK, bootinfo.kaslr ? "on" : "off",
           bootinfo.seed, seed_names[bootinfo.seed_source & 3],
           bootinfo.seed_source & SEED_F_VIRTIO_RNG ? "+virtio-rng" : "", bootinfo.nrelocs);
    printk("kaslr: heap=0x%lx stacks=0x%lx directmap=0x%lx\n", bootinfo.heap_base,
           bootinfo.stack_base, hhdm_base);
    printk("kaslr: virtio-rng %s cycles=%lu\n", bootinfo.rng_note, bootinfo.rng_cycles);
    printk("cmdline: %s\n", kernel_cmdline);
    uint64_t ram = 0;
    for (uint32_t i = 0; i < bootinfo.nmem; i++)
        if (bootinfo.mem[i].type == 1)
            ram += bootinfo.mem[i].size;
    printk("boot: memory map %u entries, %lu MiB RAM, rsdp 0x%lx\n", bootinfo.nmem, ram >> 20,
           bootinfo.rsdp);
    if (cmdline_has("bootfault"))
        boot_fault_inject();

    lapic_init();
    percpu_area[0].apic_id = lapic_id();
    time_calibrate();
    printk("time: tsc %lu kHz\n", tsc_khz());
    printk("time: lapic timer %u Hz (div 16), tick %d Hz\n", lapic_per_sec, SCHED_HZ);
    pmm_init();
    heap_init();
    ftrace_init();
    sched_init();
    smp_start();
    vm_drop_identity();
    trace_init();
    layout_publish();
    printk("layout: block at phys 0x%lx (virt %p)\n", USLAYOUT_PHYS, (void *)&uslayout);
    lapic_timer_start(SCHED_HZ);
    percpu_area[0].online = 1;
    /* drivers/: PCI enumeration, virtio-vsock (issue 8); before the data
     * channel starts, which will need the device with data=vsock. */
    drivers_init();
    trace_boot_done();
    app_start();
    sched_idle_loop();
}
