/*
 * sched.h: the scheduler: ready queues, policies, blocking and waking.
 *
 * Course idea: scheduling is choosing which READY thread becomes RUNNING.
 * weft keeps one FIFO queue per priority and always runs the most urgent
 * non-empty one. Two policies decide *when* to choose:
 *
 *   SCHED_COOP  cooperative: only when the running thread yields, blocks or
 *               exits. A thread that never does so keeps the CPU forever.
 *   SCHED_RR    preemptive priority round-robin: also when a more urgent
 *               thread wakes, and when the time slice (SLICE_TICKS) of the
 *               running thread ends while another of its priority is ready.
 *
 * Blocking is built from two calls that every primitive (semaphores, sleep,
 * join, the console) uses: sched_block_locked() and sched_wake_locked().
 * Read next: kernel/sem.c for the simplest user of them.
 */
#ifndef WEFT_SCHED_H
#define WEFT_SCHED_H

#include <stdint.h>

#include "list.h"
#include "thread.h"

enum sched_policy { SCHED_COOP, SCHED_RR };

#include "thread.h"
static inline void waitq_init(struct waitq *q) { list_init(&q->threads); }
static inline int waitq_empty(const struct waitq *q) { return list_empty(&q->threads); }

/* Ticks since the scheduler started. */
extern volatile uint32_t ticks;

/* Set up the ready queues and the idle thread. */
void sched_init(void);

/* Switch to the most urgent ready thread. Called once at boot. */
void sched_start(void) __attribute__((noreturn));

enum sched_policy sched_get_policy(void);
void sched_set_policy(enum sched_policy p);

/* Make a NEW or BLOCKED thread READY and queue it; in SCHED_RR, ask for a
 * switch if it is more urgent than the running thread. Interrupts masked. */
void sched_make_ready_locked(struct thread *t, int why);

/* Block the running thread on q (which may be NULL: a pure sleep) for at most
 * `timeout` ticks, then return what the waker said: 0 or a value passed to
 * sched_wake_locked(), or -ETIMEDOUT; at once -EINTR if the thread's
 * process is ending (kill_pending: a kill must not be slept through, even
 * by a thread that was woken and loops to block again). Called with interrupts masked by
 * arch_irq_save(); returns with them masked again, having switched away and
 * back in between. Never call it from an interrupt handler. */
int sched_block_locked(struct waitq *q, uint32_t timeout, int why);

/* Wake t (BLOCKED) with `result` as its sched_block_locked() return value:
 * unlink it from its wait queue and the timer queue, make it READY.
 * Interrupts masked; callable from interrupt handlers. */
void sched_wake_locked(struct thread *t, int result);

/* Wake the first thread of q, if any; returns it or NULL. */
struct thread *sched_wake_one_locked(struct waitq *q, int result);

/* Wake every thread of q; returns how many. */
int sched_wake_all_locked(struct waitq *q, int result);

/* True if a thread other than idle is READY at priority >= prio. */
int sched_ready_at_or_above(int prio);

/* The running thread gives up the CPU (RUNNING -> READY) if another thread of
 * its priority or higher is ready. Interrupts masked. */
void sched_yield_locked(void);

/* Change t's priority, moving it between ready queues if it is READY;
 * under SCHED_RR the CPU goes to whoever is now most urgent. Masked. */
void sched_set_prio_locked(struct thread *t, int prio);

/* Take a thread out of the ready queue (it is leaving READY). Masked. */
void sched_dequeue_locked(struct thread *t);

/* Called by kernel_switch for an incoming user thread: the process layer
 * loads its address space (kernel/proc.c). NULL when there are none. */
extern void (*sched_switch_mm_hook)(struct thread *next);

/* The idle thread, for tests and ps. */
extern struct thread *idle_thread;

#endif
