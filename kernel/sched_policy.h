/*
 * sched_policy.h: what a scheduling policy is, and the list of them.
 *
 * Course idea: mechanism and policy apart. The mechanism (kernel/sched.c)
 * is one FIFO ready queue per priority and a bitmap: the next thread to run
 * is always the head of the most urgent non-empty queue. A policy steers it
 * by answering three questions, and nothing else:
 *
 *   preemptive  does a thread made READY that is more urgent than the
 *               running one take the CPU at once (or only when the running
 *               thread yields, blocks or exits)?
 *   tick        what does a timer tick do to the running thread? (RR: count
 *               its slice down and rotate at the end; MLFQ: also lower its
 *               priority when it used the whole slice.) NULL: nothing.
 *   stop        when another policy takes over, undo what this one did to
 *               the threads (MLFQ: give them back their own priorities).
 *               NULL: nothing to undo.
 *
 * Which thread runs next is then the mechanism's answer: a policy that wants
 * a thread to run sooner or later changes its priority (t->prio), never the
 * queues; t->base_prio is the priority its creator or thread_set_prio() gave
 * it, which a policy must give back. Everything is called with interrupts
 * masked. A policy is one file, kernel/sched_NAME.c, defining
 * `const struct sched_policy sched_NAME`, plus one line in SCHED_POLICIES
 * below; the build picks up every kernel/sched_*.c by itself.
 *
 * Read next: kernel/sched_rr.c, then kernel/sched_mlfq.c.
 */
#ifndef WEFT_SCHED_POLICY_H
#define WEFT_SCHED_POLICY_H

#include <stdbool.h>

#include "thread.h"

struct sched_policy {
    const char *name;               /* as `sched NAME` spells it */
    const char *about;              /* one line for `sched` to print */
    bool preemptive;
    void (*tick)(struct thread *running);   /* never called for idle */
    void (*stop)(void);
};

/* The policies, by index: the index is what SYS_SCHED and sched_set_policy()
 * take, so a new policy goes at the end. SCHED_COOP and SCHED_RR in sched.h
 * name the first two. */
#define SCHED_POLICIES(X) \
    X(coop)     /* kernel/sched_coop.c: cooperative */ \
    X(rr)       /* kernel/sched_rr.c: preemptive priority round-robin */ \
    X(mlfq)     /* kernel/sched_mlfq.c: multilevel feedback queue */

#define SCHED_POLICY_DECLARE(name) extern const struct sched_policy sched_##name;
SCHED_POLICIES(SCHED_POLICY_DECLARE)

/* ---- The mechanism's calls a policy may use (kernel/sched.c) ----------- */

/* Move t to priority prio, and to that priority's ready queue (at the back)
 * if it is READY; a BLOCKED thread keeps its place in its wait queue (the
 * order was decided when it blocked). Asks for no switch. Masked. */
void sched_requeue_locked(struct thread *t, int prio);

/* Under a preemptive policy, ask for a switch if a READY thread is now more
 * urgent than the running one. Masked. */
void sched_reschedule_locked(void);

#endif
