/*
 * sched_rr.c: preemptive priority round-robin, weft's default policy.
 *
 * Course idea: two rules make a scheduler preemptive. A thread made READY
 * that is more urgent than the running one takes the CPU at once (the
 * mechanism does that for every preemptive policy). And the timer tick
 * counts the running thread's time slice down: at the end of it, if another
 * thread of its priority is ready, it goes to the back of its queue and the
 * next one runs, so equals share the CPU in turns of SLICE_TICKS ticks.
 * A thread that keeps running past the end of its slice (nobody to rotate
 * with) rotates at the first tick that finds a peer ready.
 *
 * Read next: kernel/sched_mlfq.c, which adds feedback to these two rules.
 */
#include "sched_policy.h"

#include "sched.h"

static void rr_tick(struct thread *t)
{
    if (t->slice_left)
        t->slice_left--;
    if (t->slice_left == 0 && sched_peer_ready(t))
        arch_switch_request();      /* kernel_switch puts it at the back */
}

const struct sched_policy sched_rr = {
    .name = "rr",
    .about = "preemptive priority round-robin with time slices",
    .preemptive = true,
    .tick = rr_tick,
    .stop = NULL,
};
