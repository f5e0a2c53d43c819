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
static volatile int ap_started[MAX_CPUS];

void ap_entry(struct percpu *c);
void ap_entry(struct percpu *c)
{
    gdt_init_cpu(c);
    idt_load();
    lapic_init();
    sched_init_cpu();
    __atomic_store_n(&ap_started[c->cpu], 1, __ATOMIC_RELEASE);
    lapic_timer_start(SCHED_HZ);
    c->online = 1;
    sched_idle_loop(); /* never returns */
}

/* All application processors start together: INIT to each, one 10 ms
 * wait, SIPI to each, a second SIPI after 1 ms to those not yet up. */
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
    data[0] = bootinfo.pml4_phys;
    data[1] = (uint64_t)ap_entry;
    uint64_t *slots = data + 2;
    int naps = 0;
    for (int i = 0; i < n && 1 + naps < MAX_CPUS; i++) {
        if (ids[i] == me || ids[i] > 255)
            continue;
        struct percpu *c = &percpu_area[1 + naps];
        c->self = c;
        c->cpu = (uint32_t)(1 + naps);
        c->apic_id = ids[i];
        void *stack = stack_alloc(KSTACK_SIZE);
        slots[2 * ids[i]] = (uint64_t)stack + KSTACK_SIZE;
        slots[2 * ids[i] + 1] = (uint64_t)c;
        naps++;
    }
    if (naps == 0) {
        printk("smp: 1 cpus online\n");
        return;
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (int i = 1; i <= naps; i++)
        lapic_send_init(percpu_area[i].apic_id);
    udelay(10000);
    for (int i = 1; i <= naps; i++)
        lapic_send_sipi(percpu_area[i].apic_id, TRAMP_PHYS >> 12);
    uint64_t t0 = now_ns();
    int resent = 0, up = 0;
    while (up < naps) {
        up = 0;
        for (int i = 1; i <= naps; i++)
            up += __atomic_load_n(&ap_started[i], __ATOMIC_ACQUIRE);
        uint64_t dt = now_ns() - t0;
        if (!resent && dt > 1000000) {
            for (int i = 1; i <= naps; i++)
                if (!ap_started[i])
                    lapic_send_sipi(percpu_area[i].apic_id, TRAMP_PHYS >> 12);
            resent = 1;
        }
        if (dt > 10000000000UL) /* generous: TCG on a loaded host */
            break;
        cpu_relax();
    }
    /* CPU indices must stay dense: stop at the first AP that did not start. */
    for (ncpus = 1; ncpus <= naps && ap_started[ncpus]; ncpus++)
        ;
    if (ncpus != naps + 1)
        printk("smp: only %d of %d cpus started\n", ncpus, naps + 1);
    printk("smp: %d cpus online\n", ncpus);
}
