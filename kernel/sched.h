/*
 * sched.h: the scheduler: ready queues, policies, blocking and waking.
 *
 * Course idea: scheduling is choosing which READY thread becomes RUNNING.
 * weft keeps one FIFO queue per priority and always runs the most urgent
 * non-empty one. A policy (kernel/sched_policy.h, one file each) decides
 * *when* to choose and may move threads between priorities:
 *
 *   coop   cooperative: only when the running thread yields, blocks or
 *          exits. A thread that never does so keeps the CPU forever.
 *   rr     preemptive priority round-robin: also when a more urgent thread
 *          wakes, and when the time slice (SLICE_TICKS) of the running
 *          thread ends while another of its priority is ready.
 *   mlfq   rr plus feedback: a thread that uses whole slices sinks below
 *          those that block early; a periodic boost lifts everyone back.
 *
 * Blocking is built from two calls that every primitive (semaphores, sleep,
 * join, the console) uses: sched_block_locked() and sched_wake_locked().
 * Every `_locked` call panics if interrupts are on (ASSERT_LOCKED).
 * Read next: kernel/sem.c for the simplest user of them.
 */
#ifndef WEFT_SCHED_H
#define WEFT_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "list.h"
#include "panic.h"
#include "state.h"
#include "thread.h"

static inline void waitq_init(struct waitq *q) { list_init(&q->threads); }
static inline int waitq_empty(const struct waitq *q) { return list_empty(&q->threads); }

/* Ticks since the scheduler started. */
extern volatile uint32_t ticks;

/* Set up the ready queues and the idle thread. */
void sched_init(void);

/* Switch to the most urgent ready thread. Called once at boot. */
void sched_start(void) __attribute__((noreturn));

/* The policies by index, in the order of SCHED_POLICIES (sched_policy.h).
 * The first two keep the numbers they have always had. */
enum { SCHED_COOP, SCHED_RR };

/* The index of the policy in force (SCHED_RR at boot). */
int sched_get_policy(void);

/* Make policy i the one in force, now: the old one undoes what it did to
 * the threads (their priorities) and the running thread starts a fresh
 * slice. 0, or -EINVAL if there is no policy i. Any time, even before
 * sched_start(). */
int sched_set_policy(int i);

/* Policy i's name ("coop", "rr", "mlfq") and one-line description, for the
 * shells and SYS_SCHED; NULL if there is no policy i. */
const char *sched_policy_name(int i);
const char *sched_policy_about(int i);

/* The index of the policy called name, or -ENOENT. */
int sched_policy_find(const char *name);

/* Make a NEW or BLOCKED thread READY and queue it; under a preemptive
 * policy, ask for a switch if it is more urgent than the running thread.
 * Interrupts masked. */
void sched_make_ready_locked(struct thread *t, int why);

/* Block the running thread on q (which may be NULL: a pure sleep) for at most
 * `timeout` ticks, then return what the waker said: 0 or a value passed to
 * sched_wake_locked(), or -ETIMEDOUT; at once -EINTR if the thread's
 * process is ending (kill_pending: a kill must not be slept through, even
 * by a thread that was woken and loops to block again). Called with
 * interrupts masked by one arch_irq_save() (depth 1: from inside another
 * critical section it panics, naming the thread); returns with them masked
 * again, having switched away and back in between. Never call it from an
 * interrupt handler. */
int sched_block_locked(struct waitq *q, uint32_t timeout, int why);

/* The same, for a caller that would leave its critical section right after
 * it (arch_irq_restore(saved), `saved` from the arch_irq_save() that began
 * it): the block ends the section instead, and returns with interrupts on.
 * Waking, the thread does not mask again only to unmask (kernel/sem.c). */
int sched_block_unlock(struct waitq *q, uint32_t timeout, int why, uint32_t saved);

/* Wake t (BLOCKED) with `result` as its sched_block_locked() return value:
 * unlink it from its wait queue and the timer queue, make it READY.
 * Interrupts masked; callable from interrupt handlers. */
void sched_wake_locked(struct thread *t, int result);

/* Wake the first thread of q, if any; returns it or NULL. */
struct thread *sched_wake_one_locked(struct waitq *q, int result);

/* The same, for the running thread on its way out (thread_exit): it asks
 * for a switch itself right after, so the woken thread is not tested
 * against it for preemption. */
struct thread *sched_wake_one_leaving_locked(struct waitq *q, int result);

/* Wake every thread of q; returns how many. */
int sched_wake_all_locked(struct waitq *q, int result);

/* The scheduler's own data, one object so that one base address reaches
 * all of it (a switch or a wake-up reads the mask, a queue and the
 * policy). Written only by kernel/sched.c; here so that the calls below
 * are inline.
 *   ready[p]    the ready queue of priority p: its READY threads and, at
 *               its head, the RUNNING one if it has that priority
 *               (kernel/sched.c, kernel_switch, says why)
 *   ready_mask  bit p set <=> ready[p] is non-empty
 *   policy      the policy in force (kernel/sched_policy.h) */
struct sched_policy;
struct sched_core {
    uint32_t ready_mask;
    const struct sched_policy *policy;
    struct list ready[NPRIO];       /* right after the mask and the policy:
                                       on the M3 ready[p] is at (p + 1) * 8,
                                       which top_prio()'s 32 - clz gives to
                                       one shifted load (docs/costs.md) */
    bool preemptive;                /* policy->preemptive, kept here (set
                                       with policy, by sched_set_policy and
                                       sched_init only) so that a wake-up
                                       and a switch test it with one load */
};
extern struct sched_core sched_core;

/* True if a thread other than idle is READY or RUNNING at priority >= prio. */
static inline int sched_ready_at_or_above(int prio)
{
    return (sched_core.ready_mask >> prio) != 0;
}

/* True if a thread other than t (RUNNING) is READY at t's priority or
 * above: someone to give the CPU to. Interrupts masked. */
static inline int sched_peer_ready(const struct thread *t)
{
    /* Its own queue first: under a preemptive policy a more urgent thread
     * would be running already, so a peer is most often an equal. */
    return t->link.next != t->link.prev ||  /* not alone in its queue */
           (sched_core.ready_mask >> (t->prio + 1)) != 0;
}

/* The running thread gives up the CPU (RUNNING -> READY) if another thread of
 * its priority or higher is ready. Interrupts masked. It only asks: the
 * move and the hand-over are kernel_switch()'s, in one place, as soon as
 * the caller's critical section ends (nothing else runs in this thread in
 * between); docs/costs.md says why. */
static inline void sched_yield_locked(void)
{
    ASSERT_LOCKED();
    struct thread *t = current;

    if (!sched_peer_ready(t))
        return;                     /* nobody to yield to: keep running */
    t->leave_why = WHY_YIELD;
    arch_switch_request();
}

/* Give t a new priority of its own (base_prio, and prio too), moving it
 * between ready queues if it is READY; under a preemptive policy the CPU
 * goes to whoever is now most urgent. Masked. */
void sched_set_prio_locked(struct thread *t, int prio);

/* Take a thread out of its ready queue (it is leaving READY or RUNNING for
 * BLOCKED or TERMINATED). Masked. */
void sched_dequeue_locked(struct thread *t);

/* The same for the thread that was RUNNING until the caller moved it
 * (current, now BLOCKED or TERMINATED): it heads its ready queue, so no
 * lookup by priority is needed (kernel/sched.c). Masked. */
void sched_dequeue_running_locked(struct thread *t);

/* Called by kernel_switch for an incoming user thread: the process layer
 * loads its address space (kernel/proc.c). A direct call, so the linker's
 * optimiser compiles it into the switch; an image without processes has
 * no user threads and gets sched.c's empty stand-in (weak). */
void proc_switch_mm_locked(struct thread *next);

/* The idle thread, for tests and ps. */
extern struct thread *idle_thread;

#endif
