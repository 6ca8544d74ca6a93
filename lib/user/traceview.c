/*
 * traceview.c: print thread state transitions for people.
 *
 * Course idea: the trace (kernel/trace.c) records thread ids, which mean
 * nothing to a reader; this puts each thread's name beside its id: the
 * name it has now if it still exists, else the name it was seen with
 * (the caller may pass the one it knows: `trace run` knows its program's
 * main thread), else "(ended)".
 * Read next: apps/sh.c (`trace`).
 */
#include <stdio.h>
#include <string.h>

#include "traceview.h"
#include "weft.h"

/* The name of thread tid as it is now; NULL if it is gone. */
static const char *live_name(int tid, struct thread_info *ti)
{
    for (int i = 0; threadinfo(i, ti) == 0; i++)
        if (ti->tid == tid)
            return ti->name;
    return NULL;
}

void trace_print(const struct trace_entry *e, int n, int known_tid, const char *known_name)
{
    struct thread_info ti;
    for (int i = 0; i < n; i++) {
        const char *name = live_name(e[i].tid, &ti);
        if (!name)
            name = e[i].tid == known_tid && known_name ? known_name : "(ended)";
        printf("  t=%-7lu tid %-3d %-11s %-10s -> %-10s %s\n", (unsigned long)e[i].time,
               e[i].tid, name, thread_state_str(e[i].from), thread_state_str(e[i].to),
               trace_why_str(e[i].why));
    }
}

int proc_main_tid(int pid)
{
    struct thread_info ti;
    int tid = 0;
    for (int i = 0; threadinfo(i, &ti) == 0; i++)
        if (ti.pid == pid && (tid == 0 || ti.tid < tid))
            tid = ti.tid;
    return tid;
}

int proc_tid_range(int pid, int *lo, int *hi)
{
    struct thread_info ti;
    int n = 0;
    for (int i = 0; threadinfo(i, &ti) == 0; i++) {
        if (ti.pid != pid)
            continue;
        if (n++ == 0 || ti.tid < *lo)
            *lo = ti.tid;
        if (n == 1 || ti.tid > *hi)
            *hi = ti.tid;
    }
    return n;
}
