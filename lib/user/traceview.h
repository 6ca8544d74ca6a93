/*
 * traceview.h: the shell's `trace` output, with thread names.
 * Course idea and reading order: lib/user/traceview.c.
 */
#ifndef WEFT_USER_TRACEVIEW_H
#define WEFT_USER_TRACEVIEW_H

#include "weft.h"

/* Print n records; a thread that has ended is called known_name if its id
 * is known_tid (0: none), else "(ended)". */
void trace_print(const struct trace_entry *e, int n, int known_tid, const char *known_name);

/* The lowest thread id of process pid (its main thread, while it lives);
 * 0 if it has no thread. */
int proc_main_tid(int pid);

/* The lowest and highest ids of pid's threads now; returns how many. */
int proc_tid_range(int pid, int *lo, int *hi);

#endif
