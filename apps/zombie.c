/*
 * zombie.c: zombies and orphans.
 *
 * Course idea: a process that has ended keeps its slot, as a ZOMBIE
 * holding its exit status, until its parent reaps it with wait(). And a
 * process whose parent ends first is an orphan: the kernel gives it to
 * init (pid 1), which reaps it in its turn. Roles: no argument is the
 * demo; "exit" ends at once; "middle" starts an "orphan" and ends; the
 * orphan outlives it and reports its new parent.
 * Read next: apps/init.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft.h"

PROG_ABOUT("",
           "a zombie until its parent waits; an orphan adopted by init");

#define ORPHAN_TICKS 200            /* how long the orphan outlives "middle" */

static int start(char *role)
{
    char *argv[] = { "zombie", role, NULL };
    return spawn("zombie", argv, 0);
}

static void show(int pid)
{
    struct proc_info pi;
    int r = procinfo(pid, &pi);
    if (r < 0)
        printf("   pid %d: not in the process table (%d)\n", pid, r);
    else
        printf("   pid %d '%s': state %s, parent %d\n", pid, pi.name,
               proc_state_str(pi.state), pi.ppid);
}

/* The pid of the live process named `name`, or -1. */
static int find(const char *name)
{
    int pids[32];
    int n = proclist(pids, 32);
    for (int i = 0; i < n; i++) {
        struct proc_info pi;
        if (procinfo(pids[i], &pi) == 0 && !strcmp(pi.name, name))
            return pids[i];
    }
    return -1;
}

int main(int argc, char **argv)
{
    char how[32];
    int status;

    if (argc > 1 && !strcmp(argv[1], "exit"))
        return 5;
    if (argc > 1 && !strcmp(argv[1], "middle"))
        return start("orphan") < 0;
    if (argc > 1 && !strcmp(argv[1], "orphan")) {
        setname("orphan");
        sleep_ticks(ORPHAN_TICKS);
        return 0;
    }

    printf("1. A child exits; until we wait, it is a zombie:\n");
    int pid = start("exit");
    struct proc_info pi;
    while (procinfo(pid, &pi) == 0 && pi.state != PS_ZOMBIE)
        sleep_ticks(1);
    show(pid);
    wait(pid, &status, WAIT_FOREVER);
    printf("   wait() reaped it: %s\n", status_str(status, how, sizeof how));
    show(pid);

    printf("2. An orphan is adopted by init:\n");
    pid = start("middle");
    wait(pid, &status, WAIT_FOREVER);
    printf("   middle %d %s, leaving its child behind\n", pid,
           status_str(status, how, sizeof how));
    int orphan = -1;
    for (int tries = 0; orphan < 0 && tries < 50; tries++) {
        orphan = find("orphan");    /* it may not have named itself yet */
        if (orphan < 0)
            sleep_ticks(1);
    }
    if (orphan < 0) {
        printf("zombie: the orphan is gone already\n");
        return 1;
    }
    show(orphan);
    return 0;
}
