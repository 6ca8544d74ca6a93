/*
 * lsfd.c: a process's descriptors and what they name (Unix's lsof, small).
 *
 * Course idea: a descriptor is a number in one process's table naming a
 * kernel object that others may name too (kernel/fd.h). For each open
 * descriptor of a process: its number (the generation makes it 3, 19,
 * 35... as its entry is reused), which end it holds, the object's type and
 * how many descriptors and mappings name that object in all processes.
 *
 *   run lsfd [PID]          (default: lsfd itself: the console as 0, 1, 2)
 *   run prodcons &, then run lsfd PID of a consumer
 * Read next: kernel/fd.c, kernel/sys_info.c (sys_fdinfo).
 */
#include <stdio.h>
#include <stdlib.h>

#include "weft.h"

int main(int argc, char **argv)
{
    int pid = argc > 1 ? atoi(argv[1]) : 0;
    struct fd_info fi;
    struct proc_info pi;
    if (procinfo(pid, &pi) < 0) {
        printf("lsfd: no process %d\n", pid);
        return 1;
    }
    printf("process %d '%s':\n   FD  END    REFS  OBJECT\n", pi.pid, pi.name);
    for (int i = 0; fdinfo(pid, i, &fi) == 0; i++)
        printf("%5d  %-5s %5d  %s%s\n", fi.fd,
               (fi.flags & 3) == 3 ? "r/w" : fi.flags & 1 ? "read" : "write", fi.refs, fi.type,
               fi.flags & 4 ? " (non-blocking)" : "");
    return 0;
}
