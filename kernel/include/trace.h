/*
 * Tracepoint seams.  Each macro marks a place the instrumentation issue
 * will record an event (scheduler, IRQ, timer, wake-up, heap, app
 * markers).  Today they compile to nothing; they are placed where the
 * event happens, with the arguments the event needs, so the next issue
 * only has to give them bodies (and a per-CPU ring: percpu->trace_ring).
 */
#ifndef TRACE_H
#define TRACE_H

#define trace_sched_switch(prev, next)  ((void)(prev), (void)(next))
#define trace_sched_wakeup(t, from_cpu) ((void)(t), (void)(from_cpu))
#define trace_irq_entry(vector)         ((void)(vector))
#define trace_irq_exit(vector)          ((void)(vector))
#define trace_timer_tick(cpu)           ((void)(cpu))
#define trace_exception(vector, rip)    ((void)(vector), (void)(rip))
#define trace_kmalloc(ptr, size, site)  ((void)(ptr), (void)(size), (void)(site))
#define trace_kfree(ptr, site)          ((void)(ptr), (void)(site))
#endif
