/*
 * locks.c: print the wait-for graph: who waits for which mutex, held by whom.
 *
 * Course idea: a deadlock is a cycle in this graph, and a long wait is a
 * long chain in it. Each line is one edge the kernel reports (SYS_LOCKS,
 * kernel/kmutex.c): a blocked thread, the mutex it waits for (an object
 * number, the same in every process), and that mutex's owner, with both
 * threads' priorities, so inherited priority can be seen too.
 *
 *   run locks
 * Read next: apps/deadlock.c.
 */
#include <stdio.h>

#include "weft.h"

PROG_ABOUT("", "the wait-for graph: each blocked thread, the mutex it waits for, its owner");

int main(void)
{
    struct lock_info li[32];
    int n = locks(li, 32);
    if (n < 0) {
        printf("locks: error %d\n", n);
        return 1;
    }
    printf("locks: %d thread%s blocked on a mutex\n", n, n == 1 ? "" : "s");
    for (int i = 0; i < n; i++)
        printf("  thread %d (pid %d, prio %d) waits for mutex %d, held by thread %d (pid %d, prio %d)\n",
               li[i].tid, li[i].pid, li[i].prio, li[i].mutex, li[i].owner_tid, li[i].owner_pid,
               li[i].owner_prio);
    return 0;
}
