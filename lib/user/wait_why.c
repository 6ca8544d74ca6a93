/*
 * wait_why.c: wait for a child, and keep the kernel's account of its end.
 *
 * Course idea: a zombie is a process that has ended but still holds its
 * exit status and its story (proc_info.why) until the parent reaps it.
 * Reaping (wait) returns the status and frees the rest, so a parent that
 * wants to say *why* a child died reads the zombie first: it watches the
 * child with procinfo() until the child is a zombie, then waits.
 * Read next: apps/sh.c and apps/usertests.c, which report faults this way.
 */
#include <errno.h>
#include <string.h>

#include "weft.h"

#define POLL_TICKS 2

int wait_why(int pid, int *status, char *why, int n, uint32_t timeout)
{
    struct proc_info pi;
    uint32_t start = ticks();

    if (n > 0)
        why[0] = '\0';
    for (;;) {
        int r = procinfo(pid, &pi);
        if (r < 0)
            return wait(pid, status, WAIT_NONE);    /* gone: let wait() say why */
        if (pi.state == PS_ZOMBIE)
            break;
        if (timeout != WAIT_FOREVER && ticks() - start >= timeout)
            return -ETIMEDOUT;
        sleep_ticks(POLL_TICKS);
    }
    if (n > 0) {
        strncpy(why, pi.why, n - 1);
        why[n - 1] = '\0';
    }
    return wait(pid, status, WAIT_FOREVER);
}
