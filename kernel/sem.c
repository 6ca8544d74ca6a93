/*
 * sem.c: counting semaphores on top of sched_block_locked / sched_wake_locked.
 *
 * Invariant: count > 0 implies nobody waits. post() therefore either wakes
 * exactly one waiter (the unit passes to it directly, count stays 0) or
 * increments count. Read next: drivers/uart.c, which blocks readers the same
 * way without a semaphore.
 */
#include "sem.h"

#include "../arch/arch.h"
#include "errno.h"
#include "sched.h"
#include "state.h"

void sem_init(struct sem *s, int count)
{
    s->count = count;
    waitq_init(&s->waiters);
}

/* sem_wait_locked below, whole, but the block also ends the critical
 * section (sched_block_unlock): a waiter woken does not mask again only to
 * unmask. flatten, as sem_post below: the block is compiled
 * into it, with no call and no second prologue. noipa: the optimiser must
 * not specialise it for its callers (in a bench image every one of them
 * waits forever, and the timeout's tests would vanish from the measured
 * path); it is compiled for any timeout, as a program would use it. */
__attribute__((flatten, noipa)) int sem_wait(struct sem *s, uint32_t timeout)
{
    uint32_t saved = arch_irq_save();
    if (s->count > 0) {
        s->count--;
        arch_irq_restore(saved);
        return 0;
    }
    return sched_block_unlock(&s->waiters, timeout, WHY_WAIT, saved);  /* unmasks */
}

int sem_wait_locked(struct sem *s, uint32_t timeout)
{
    if (s->count > 0) {
        s->count--;
        return 0;
    }
    return sched_block_locked(&s->waiters, timeout, WHY_WAIT);
}

/* flatten: the wake-up (sched_wake_one_locked, kernel/sched.c) is compiled
 * into this function as if it were written here, which the link-time
 * optimiser can do across files: an interrupt handler's post is on the
 * clock of the thread it wakes (docs/costs.md). Its panics stay calls. */
__attribute__((flatten)) void sem_post(struct sem *s)
{
    uint32_t saved = arch_irq_save();

    if (!sched_wake_one_locked(&s->waiters, 0))
        s->count++;
    arch_irq_restore(saved);
}
