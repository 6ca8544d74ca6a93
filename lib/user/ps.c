/*
 * ps.c: the shell's `ps`: the process and thread tables, as the course
 * names them.
 *
 * Course idea: a process is ALIVE until its last thread ends, then a
 * ZOMBIE that keeps only its exit status until its parent waits for it.
 * `ps` lists processes in pid order (their status once zombies, the
 * daemon flag: a daemon dies with its parent), then every thread (its
 * state, whether it is a daemon thread: Python's rule, it ends with its
 * process's main thread). `ps -t` draws the process tree, as pstree does.
 * Everything comes from system calls (procinfo, proclist, threadinfo).
 * Read next: apps/sh.c.
 */
#include <stdio.h>
#include <string.h>

#include "ps.h"
#include "weft.h"

#define MAXPROCS 32

/* The live pids, sorted (insertion sort: at most MAXPROCS of them). */
static int sorted_pids(int *pids)
{
    int n = proclist(pids, MAXPROCS);
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && pids[j - 1] > pids[j]; j--) {
            int t = pids[j];
            pids[j] = pids[j - 1];
            pids[j - 1] = t;
        }
    return n < 0 ? 0 : n;
}

static void print_proc(const struct proc_info *pi, int depth)
{
    char how[32] = "-";
    if (pi->state == PS_ZOMBIE)
        status_str(pi->exit_status, how, sizeof how);
    printf("%4d %4d %-6s %-12s %3d %c %8lu %*s%s\n", pi->pid, pi->ppid,
           proc_state_str(pi->state), how, pi->nthreads, pi->daemon ? 'D' : '-',
           (unsigned long)pi->ticks, 2 * depth, "", pi->name);
}

/* Print process pid at depth; a frame of its own, gone before the
 * recursion below goes deeper (a struct proc_info is ~150 bytes, and the
 * shell's stack is 2 KiB: holding one per level overflowed it at four). */
static __attribute__((noinline)) void show(int pid, int depth)
{
    struct proc_info pi;
    if (procinfo(pid, &pi) == 0)
        print_proc(&pi, depth);
}

/* The subtree under `pid`, depth-first, children in pid order; ppids[i]
 * is pids[i]'s parent, read once. Only ints stay on the stack per level. */
static void print_tree(const int *pids, const int *ppids, int n, int pid, int depth)
{
    for (int i = 0; i < n; i++) {
        if (ppids[i] != pid || pids[i] == pid)
            continue;
        show(pids[i], depth);
        if (depth < MAXPROCS)
            print_tree(pids, ppids, n, pids[i], depth + 1);
    }
}

void ps_show(int tree)
{
    int pids[MAXPROCS];
    int n = sorted_pids(pids);

    printf(" PID PPID STATE  STATUS       THR D    TICKS NAME\n");
    if (tree) {
        int ppids[MAXPROCS];
        for (int i = 0; i < n; i++) {
            struct proc_info pi;
            ppids[i] = procinfo(pids[i], &pi) == 0 ? pi.ppid : -1;
        }
        print_tree(pids, ppids, n, 0, 0);
        return;
    }
    for (int i = 0; i < n; i++) {
        struct proc_info pi;
        if (procinfo(pids[i], &pi) == 0)
            print_proc(&pi, 0);
    }
    struct thread_info ti;
    printf(" TID  PID STATE      PRI D    TICKS NAME\n");
    for (int i = 0; threadinfo(i, &ti) == 0; i++)
        printf("%4d %4d %-10s %3d %c %8lu %s\n", ti.tid, ti.pid, thread_state_str(ti.state),
               ti.prio, ti.daemon ? 'D' : '-', (unsigned long)ti.ticks, ti.name);
}
