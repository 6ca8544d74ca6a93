/*
 * hog.c: `hog [TICKS]` spins on the CPU, forever or for TICKS ticks.
 *
 * Course idea: preemption. A hog never blocks and never yields, so under
 * the cooperative policy it keeps the CPU from every thread of its
 * priority; under round-robin (`sched rr`) the timer takes it away at the
 * end of each slice. Try `run hog &` then `ps` in both policies.
 */
#include <stdlib.h>

#include "weft.h"

PROG_ABOUT("[TICKS]",
           "spins on the CPU (forever, or TICKS ticks): try sched coop/rr");

int main(int argc, char **argv)
{
    uint32_t limit = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 0;
    uint32_t start = ticks();
    volatile uint32_t spins = 0;

    while (limit == 0 || ticks() - start < limit)
        spins++;
    return 0;
}
