/*
 * timeq.h: the timer queue, the threads waiting for a tick, soonest first.
 *
 * Course idea: sleeping and timeouts need no per-thread timer. One list,
 * sorted by wake-up tick, is checked at every tick; only its head can be due,
 * so a tick with nothing to wake costs one comparison.
 */
#ifndef WEFT_TIMEQ_H
#define WEFT_TIMEQ_H

#include <stdint.h>

#include "panic.h"
#include "thread.h"

/* Ticks wrap after 49 days at 1 kHz; compare them as signed differences so
 * the order stays right across the wrap (as long as waits are < 2^31). */
#define TICK_WAIT_MAX 0x7FFFFFFFu    /* the longest timeout that compares right */
static inline int tick_before(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }

/* Queue t to be woken at tick `when`. Interrupts masked. */
void timeq_insert_locked(struct thread *t, uint32_t when);

/* Take t out of the queue; harmless if it is not queued. Interrupts masked.
 * Inline: every wake-up makes this call, and most waits have no timeout, so
 * the "not queued" case (an unlinked node points at itself) is one compare. */
static inline void timeq_remove_locked(struct thread *t)
{
    ASSERT_LOCKED();
    if (t->tlink.next != &t->tlink)
        list_remove(&t->tlink);
}

/* Remove and return the first thread due at or before `now`, or NULL. */
struct thread *timeq_pop_due_locked(uint32_t now);

#endif
