/*
 * init.c: process 1, the ancestor of every user process, and a supervisor.
 *
 * Course idea: someone must reap the orphans. When a process ends before
 * its children, the kernel makes init their parent, so init's whole job
 * after starting the first program is a loop of wait(WAIT_ANY): each
 * zombie it reaps frees a process slot and its memory. The first program
 * is the shell, or the one named on init's command line (`init usertests`,
 * used by the test images); init gives it the console (docs/console.md).
 *
 * Only init may halt the machine (the kernel refuses anyone else). When
 * the first program *exits* (the shell's `exit N`, `halt N`, or end of
 * input), init halts with its exit status: the machine's exit code is the
 * program's. When it is killed or faults, init starts it again, as a
 * supervisor would, unless it dies too often (then init halts with 1).
 * Read next: apps/sh.c.
 */
#include <stdio.h>
#include <string.h>

#include "weft.h"

PROG_ABOUT("[PROG [ARGS]]",
           "process 1: starts the shell (or PROG), reaps orphans, restarts the shell");

#define RESTARTS_MAX    5           /* deaths in a row this close together... */
#define RESTART_WINDOW  2000        /* ...ticks apart make init give up */

static int start(char **first)
{
    int pid = spawn(first[0], first, 0);
    if (pid < 0) {
        printf("init: cannot start %s: %s\n", first[0], err_str(pid));
        halt(1);
    }
    console_fg(pid);
    return pid;
}

int main(int argc, char **argv)
{
    char *sh_argv[] = { "sh", NULL };
    char **first = argc > 1 ? &argv[1] : sh_argv;
    char how[32];
    int deaths = 0;
    uint32_t last_death = 0;

    int pid = start(first);
    for (;;) {
        int status;
        int r = wait(WAIT_ANY, &status, WAIT_FOREVER);
        if (r < 0) {
            printf("init: wait failed: %s\n", err_str(r));
            halt(1);
        }
        if (r != pid)
            continue;       /* an orphan inherited from an ended parent: reaped */
        status_str(status, how, sizeof how);
        if (WIFEXITED(status)) {
            printf("init: %s %s; halting with %d\n", first[0], how, WEXITSTATUS(status));
            halt(WEXITSTATUS(status));
        }
        deaths = ticks() - last_death < RESTART_WINDOW ? deaths + 1 : 1;
        last_death = ticks();
        if (deaths >= RESTARTS_MAX) {
            printf("init: %s %s, %d times in a row; halting with 1\n", first[0], how, deaths);
            halt(1);
        }
        printf("init: %s %s; starting a new one\n", first[0], how);
        pid = start(first);
    }
}
