/*
 * sched_coop.c: the cooperative policy.
 *
 * Course idea: the simplest answer to "when do we choose?" is "only when
 * the running thread says so": it yields, blocks or exits. No tick and no
 * wake-up ever takes the CPU from it, so one thread that never yields (a
 * busy loop) keeps it forever, whoever else is ready, even a more urgent
 * thread. Early Mac OS and Windows 3.x worked like this; `sched coop`,
 * `run hog &` then `ps` shows why they stopped.
 *
 * Read next: kernel/sched_rr.c, the preemptive policy.
 */
#include "sched_policy.h"

const struct sched_policy sched_coop = {
    .name = "coop",
    .about = "cooperative: switch only at yield, block or exit",
    .preemptive = false,
    .tick = NULL,
    .stop = NULL,
};
