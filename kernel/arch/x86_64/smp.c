/* Bringing up the application processors with INIT/SIPI/SIPI. */
#include "kernel.h"
#include "arch.h"
#include "bootinfo.h"
#include "layout.h"
#include "sched.h"
#include "string.h"
#include "mm.h"

#define TRAMP_PHYS 0x8000UL

extern char tramp_start[], tramp_end[], tramp_data[];
int ncpus = 1;
static volatile int ap_ready;

void ap_entry(struct percpu *c);
void ap_entry(struct percpu *c)
{
    gdt_init_cpu(c);
    idt_load();
    lapic_init();
    sched_init_cpu();
    __atomic_store_n(&ap_ready, 1, __ATOMIC_RELEASE);
    lapic_timer_start(SCHED_HZ);
    c->online = 1;
    sched_idle_loop(); /* never returns */
}

void smp_start(void)
{
    uint32_t ids[MAX_CPUS * 4];
    int n = acpi_find_cpus(ids, (int)ARRAY_SIZE(ids));
    uint32_t me = lapic_id();
    if (n == 0) {
        printk("smp: no MADT, running on one CPU\n");
        return;
    }
    memcpy(P2V(TRAMP_PHYS), tramp_start, (size_t)(tramp_end - tramp_start));
    uint64_t *data = (uint64_t *)((uint8_t *)P2V(TRAMP_PHYS) + (tramp_data - tramp_start));
    for (int i = 0; i < n && ncpus < MAX_CPUS; i++) {
        if (ids[i] == me)
            continue;
        struct percpu *c = &percpu_area[ncpus];
        c->self = c;
        c->cpu = (uint32_t)ncpus;
        c->apic_id = ids[i];
        void *stack = stack_alloc(KSTACK_SIZE);
        data[0] = bootinfo.pml4_phys;
        data[1] = (uint64_t)stack + KSTACK_SIZE;
        data[2] = (uint64_t)ap_entry;
        data[3] = (uint64_t)c;
        ap_ready = 0;
        lapic_send_init(ids[i]);
        udelay(10000);
        lapic_send_sipi(ids[i], TRAMP_PHYS >> 12);
        uint64_t t0 = now_ns();
        int sent2 = 0;
        while (!__atomic_load_n(&ap_ready, __ATOMIC_ACQUIRE)) {
            uint64_t dt = now_ns() - t0;
            if (!sent2 && dt > 1000000) {
                lapic_send_sipi(ids[i], TRAMP_PHYS >> 12);
                sent2 = 1;
            }
            if (dt > 10000000000UL) /* generous: TCG on a loaded host */
                break;
            cpu_relax();
        }
        if (!ap_ready) {
            printk("smp: cpu with apic id %u did not start\n", ids[i]);
            continue;
        }
        ncpus++;
    }
    printk("smp: %d cpus online\n", ncpus);
}
