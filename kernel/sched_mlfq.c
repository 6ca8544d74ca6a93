/*
 * sched_mlfq.c: a multilevel feedback queue, on top of round-robin.
 *
 * Course idea: the scheduler cannot know in advance which thread is
 * interactive (short bursts, then waits) and which is a CPU hog, but it can
 * watch them and learn (Corbato's CTSS, 1962; OSTEP chapter 8). Levels are
 * priorities: a thread starts at its own priority (t->base_prio) and
 *
 *   1. if it uses up a whole time slice without blocking or yielding, it
 *      drops one level (t->prio - 1), at most MLFQ_LEVELS - 1 below its own
 *      priority and never below 1 (idle's 0 stays idle's);
 *   2. if it blocks or yields before its slice ends, it keeps its level;
 *   3. every MLFQ_BOOST_TICKS ticks every lowered thread goes back to its
 *      own priority, so a thread kept low cannot starve behind busy
 *      interactive ones forever, and a hog that turned interactive is
 *      believed again.
 *
 * Within a level it is round-robin (kernel/sched_rr.c), and it is
 * preemptive: a woken interactive thread, now above the hogs, runs at once.
 * A thread can game rule 2 by yielding just before its slice ends; rule 3
 * bounds what that costs the others. Leaving this policy gives every thread
 * its own priority back (mlfq_restore), as does thread_set_prio().
 *
 * Read next: tests/host/test_sched_mlfq.c, which shows each rule at work.
 */
#include "sched_policy.h"

#include "sched.h"

#define MLFQ_LEVELS      3          /* its own priority and two below it */
#define MLFQ_BOOST_TICKS 100        /* rule 3: on every tick that is a multiple */

/* Never below what t inherits through a mutex (kernel/kmutex.c): sinking
 * a lock holder would let the inversion inheritance prevents back in. */
static int lowest_level(const struct thread *t)
{
    int p = t->base_prio - (MLFQ_LEVELS - 1);
    p = p < 1 ? 1 : p;
    return p < t->pi_prio ? t->pi_prio : p;
}

/* Rule 3, and leaving the policy: every lowered thread back to its own
 * priority, then the CPU to whoever is now most urgent. */
static void mlfq_restore(void)
{
    for (int i = 0; i < MAX_THREADS; i++) {
        struct thread *t = &thread_table[i];
        if (t->in_use && t->prio < t->base_prio)
            sched_requeue_locked(t, t->base_prio);
    }
    sched_reschedule_locked();
}

static void mlfq_tick(struct thread *t)
{
    if (t->slice_left && --t->slice_left == 0) {
        /* Rule 1: a whole slice used. */
        if (t->prio > lowest_level(t))
            sched_requeue_locked(t, t->prio - 1);
        if (!sched_peer_ready(t))
            t->slice_left = SLICE_TICKS;    /* alone at its level: a new slice */
    }
    if (t->slice_left == 0 && sched_peer_ready(t))
        arch_switch_request();      /* kernel_switch puts it at the back */
    if (ticks % MLFQ_BOOST_TICKS == 0)
        mlfq_restore();
}

const struct sched_policy sched_mlfq = {
    .name = "mlfq",
    .about = "multilevel feedback: a whole slice lowers, a boost every 100 ticks",
    .preemptive = true,
    .tick = mlfq_tick,
    .stop = mlfq_restore,
};
