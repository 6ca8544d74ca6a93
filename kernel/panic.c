/*
 * panic.c: report a broken invariant and stop (see panic.h).
 *
 * A panic may come from anywhere, even from inside the scheduler with the
 * queues half updated, so it trusts nothing: it masks interrupts, switches
 * the console to polled output, prints, and halts the machine.
 */
#include "panic.h"

#include <stdarg.h>

#include "../arch/arch.h"
#include "printk.h"
#include "sched.h"
#include "state.h"
#include "trace.h"

void panic(const char *fmt, ...)
{
    char buf[160];
    va_list ap;

    arch_irq_disable();
    console_write = console_write_polled;
    va_start(ap, fmt);
    kvsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    kprintf("\n*** weft panic: %s\n", buf);
    if (current)
        kprintf("*** running: thread %d '%s' at tick %lu\n", current->id,
                current->name, (unsigned long)ticks);

    struct trace_rec recs[6];
    int n = trace_read(recs, 6, 0);
    for (int i = 0; i < n; i++)
        kprintf("***   t=%lu thread %d %s -> %s (%s)\n", (unsigned long)recs[i].time,
                recs[i].tid, thread_state_name[recs[i].from],
                thread_state_name[recs[i].to], transition_reason_name[recs[i].why]);
    arch_halt(EXIT_PANIC);
}

void panic_unlocked(const char *function)
{
    panic("%s called with interrupts on", function);
}
