/*
 * sem.h: counting semaphores with timeouts, the first blocking primitive.
 *
 * Course idea: a semaphore is a counter of available units plus a queue of
 * threads waiting for one. wait takes a unit or blocks; post gives one back
 * or, if someone is waiting, hands it straight to the most urgent waiter
 * (so a thread that arrives later cannot steal it: no barging).
 */
#ifndef WEFT_SEM_H
#define WEFT_SEM_H

#include <stdint.h>

#include "thread.h"

struct sem {
    int count;              /* units available; never negative */
    struct waitq waiters;   /* non-empty only while count == 0 */
};

#define SEM_INIT(s, n) { (n), WAITQ_INIT((s).waiters) }

void sem_init(struct sem *s, int count);

/* Take a unit, waiting up to `timeout` ticks (WAIT_NONE: try only;
 * WAIT_FOREVER). Returns 0 or -ETIMEDOUT. Threads only. */
int sem_wait(struct sem *s, uint32_t timeout);

/* The same from inside the caller's own critical section (interrupts masked
 * by one arch_irq_save(): a wait may block only at depth 1, see
 * docs/states.md), for code that finds the semaphore and waits on it in one
 * masked step (kernel/ksem.c). */
int sem_wait_locked(struct sem *s, uint32_t timeout);

/* Give a unit back. Callable from threads and interrupt handlers. */
void sem_post(struct sem *s);
static inline void sem_post_from_isr(struct sem *s) { sem_post(s); }

#endif
