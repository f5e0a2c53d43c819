/*
 * Panic: a report on COM1 (format documented in docs/app-api.md), then
 * pvpanic and halt.  Other CPUs are stopped with an NMI.  A fault while
 * panicking prints a one-line note, signals pvpanic and halts; a fault
 * while printing that note skips it and still signals pvpanic, so the
 * host never sees a silent hang.
 */
#include "kernel.h"
#include "arch.h"
#include "bootinfo.h"
#include "ksyms.h"
#include "mm.h"
#include "sched.h"
#include "serial.h"
#include "unwind.h"
#include "x86.h"

#define PVPANIC_PORT 0x505

static volatile int panic_cpu = -1;
static volatile int panic_depth;

static const char *const exc_names[32] = {"divide error",
                                          "debug",
                                          "NMI",
                                          "breakpoint",
                                          "overflow",
                                          "bound range",
                                          "invalid opcode",
                                          "device not available",
                                          "double fault",
                                          "coprocessor overrun",
                                          "invalid TSS",
                                          "segment not present",
                                          "stack fault",
                                          "general protection fault",
                                          "page fault",
                                          "reserved",
                                          "x87 floating point",
                                          "alignment check",
                                          "machine check",
                                          "SIMD floating point",
                                          "virtualization",
                                          "control protection",
                                          "reserved",
                                          "reserved",
                                          "reserved",
                                          "reserved",
                                          "reserved",
                                          "reserved",
                                          "hypervisor injection",
                                          "VMM communication",
                                          "security",
                                          "reserved"};

static noreturn void halt_forever(void)
{
    for (;;) {
        cli();
        hlt();
    }
}

static void print_sym(uint64_t addr)
{
    uint64_t off;
    const char *name = ksym_lookup(addr, &off);
    if (name)
        printk("%s+0x%lx", name, off);
    else
        printk("?");
}

/* A frame is followed only if it is 8-aligned, canonical upper-half and mapped. */
static int frame_ok(uint64_t fp)
{
    return fp && !(fp & 7) && (fp >> 47) == 0x1ffff && vm_is_mapped(fp) && vm_is_mapped(fp + 8);
}

static int frame_readable(uint64_t addr, void *ctx)
{
    (void)ctx;
    return frame_ok(addr);
}

static void backtrace_from(uint64_t rip, uint64_t rbp, uint64_t rsp)
{
    printk("backtrace:\n");
    int i = 0;
    printk("  #%d 0x%016lx ", i++, rip);
    print_sym(rip);
    printk("\n");
    uint64_t caller = unwind_prologue_return(rip, rbp, rsp, frame_readable, 0);
    if (caller) {
        printk("  #%d 0x%016lx ", i++, caller);
        print_sym(caller);
        printk("\n");
    }
    for (; i < 32 && frame_ok(rbp); i++) {
        uint64_t ret = ((uint64_t *)rbp)[1];
        uint64_t next = ((uint64_t *)rbp)[0];
        if (!ret)
            break;
        printk("  #%d 0x%016lx ", i, ret);
        print_sym(ret);
        printk("\n");
        if (next <= rbp)
            break; /* stacks grow down: a frame chain must go up */
        rbp = next;
    }
}

/* Returns 0 if this CPU should print the report; stops on re-entry. */
static int panic_enter(void)
{
    cli();
    int me = this_cpu() ? (int)this_cpu()->cpu : 0;
    int expected = -1;
    if (!__atomic_compare_exchange_n(&panic_cpu, &expected, me, 0, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST)) {
        if (expected != me)
            halt_forever(); /* another CPU is reporting */
        /* Re-entered on the panicking CPU: a fault during the panic. */
        if (__atomic_fetch_add(&panic_depth, 1, __ATOMIC_SEQ_CST) == 1) {
            printk_unlocked("\npanic: nested fault during panic, halting\n");
            serial_flush(COM1);
        }
        outb(PVPANIC_PORT, 1); /* after the note: QEMU may power off at once */
        halt_forever();
    }
    panic_depth = 1;
    printk_panic_mode();
    if (ncpus > 1 && this_cpu()->online)
        lapic_send_nmi_all_others();
    return 0;
}

static noreturn void panic_finish(void)
{
    printk("kaslr: slide=0x%lx base=0x%lx\n", bootinfo.slide, bootinfo.virt_base);
    printk("panic: end\n");
    serial_flush(COM1);
    if (cmdline_has("panic_exit"))
        machine_exit(EXIT_PANIC); /* instead of pvpanic: a deterministic exit status */
    outb(PVPANIC_PORT, 1);        /* QEMU: GUEST_PANICKED event */
    halt_forever();
}

static int *volatile bad_pointer; /* NULL; volatile so gcc cannot see it */

static void print_context(void)
{
    struct thread *t = this_cpu()->current;
    printk("panic: cpu=%u thread=%s\n", this_cpu()->cpu, t ? t->name : "boot");
    /* Test hook: `panicfault` faults inside the report, to prove that a
     * fault during a panic is reported and never hangs silently. */
    if (cmdline_has("panicfault"))
        *bad_pointer = 1;
}

noreturn void panic(const char *fmt, ...)
{
    /* Registers as they are on entry to panic(), before it uses them. */
    uint64_t rbx, r12, r13, r14, r15, rbp, rsp;
    __asm__ volatile("mov %%rbx, %0; mov %%r12, %1; mov %%r13, %2; mov %%r14, %3; mov %%r15, %4"
                     : "=m"(rbx), "=m"(r12), "=m"(r13), "=m"(r14), "=m"(r15));
    __asm__ volatile("mov %%rbp, %0; mov %%rsp, %1" : "=r"(rbp), "=r"(rsp));
    panic_enter();
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    printk("\npanic: %s\n", buf);
    print_context();
    uint64_t ret = ((uint64_t *)rbp)[1];
    printk("  rip=0x%016lx (caller of panic) cr2=0x%016lx\n", ret, read_cr2());
    printk("  rbx=0x%016lx rbp=0x%016lx rsp=0x%016lx\n", rbx, rbp, rsp);
    printk("  r12=0x%016lx r13=0x%016lx r14=0x%016lx r15=0x%016lx\n", r12, r13, r14, r15);
    printk("  cr0=0x%lx cr3=0x%lx cr4=0x%lx\n", read_cr0(), read_cr3(), read_cr4());
    backtrace_from(ret, ((uint64_t *)rbp)[0], 0);
    panic_finish();
}

void exception_handler(struct trapframe *tf)
{
    if (tf->vector == 2 && panic_cpu >= 0)
        halt_forever(); /* stopped by the panicking CPU */
    panic_enter();
    uint64_t cr2 = read_cr2();
    printk("\npanic: exception %lu (%s) at 0x%016lx ", tf->vector, exc_names[tf->vector & 31],
           tf->rip);
    print_sym(tf->rip);
    printk("\n");
    print_context();
    printk("  rip=0x%016lx cs=0x%lx rflags=0x%lx error=0x%lx cr2=0x%016lx\n", tf->rip, tf->cs,
           tf->rflags, tf->error, cr2);
    printk("  rax=0x%016lx rbx=0x%016lx rcx=0x%016lx rdx=0x%016lx\n", tf->rax, tf->rbx, tf->rcx,
           tf->rdx);
    printk("  rsi=0x%016lx rdi=0x%016lx rbp=0x%016lx rsp=0x%016lx\n", tf->rsi, tf->rdi, tf->rbp,
           tf->rsp);
    printk("  r8 =0x%016lx r9 =0x%016lx r10=0x%016lx r11=0x%016lx\n", tf->r8, tf->r9, tf->r10,
           tf->r11);
    printk("  r12=0x%016lx r13=0x%016lx r14=0x%016lx r15=0x%016lx\n", tf->r12, tf->r13, tf->r14,
           tf->r15);
    printk("  cr0=0x%lx cr3=0x%lx cr4=0x%lx\n", read_cr0(), read_cr3(), read_cr4());
    if (tf->vector == 14)
        printk("  page fault: %s %s address 0x%lx\n", (tf->error & 2) ? "write" : "read",
               (tf->error & 1) ? "protection violation at" : "not-present", cr2);
    backtrace_from(tf->rip, tf->rbp, tf->rsp);
    panic_finish();
}
