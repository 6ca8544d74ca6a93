/*
 * init.c: process 1, the ancestor of every user process.
 *
 * Course idea: someone must reap the orphans. When a process ends before
 * its children, the kernel makes init their parent, so init's whole job
 * after starting the first program is a loop of wait(WAIT_ANY): each
 * zombie it reaps frees a process slot and its memory. The first program
 * is the shell, or the one named on init's command line (`init usertests`,
 * used by the test images). When that program ends, init leaves QEMU with
 * its exit status: the machine's exit code is the program's.
 * Read next: apps/sh.c.
 */
#include <stdio.h>

#include "weft.h"

int main(int argc, char **argv)
{
    char *sh_argv[] = { "sh", NULL };
    char **first = argc > 1 ? &argv[1] : sh_argv;
    char how[32];

    int pid = spawn(first[0], first, 0);
    if (pid < 0) {
        printf("init: cannot start %s (%d)\n", first[0], pid);
        halt(1);
    }
    for (;;) {
        int status;
        int r = wait(WAIT_ANY, &status, WAIT_FOREVER);
        if (r == pid) {
            int code = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
            printf("init: %s %s; halting with %d\n", first[0],
                   status_str(status, how, sizeof how), code);
            halt(code);
        }
        if (r < 0) {
            printf("init: wait failed (%d)\n", r);
            halt(1);
        }
        /* r was an orphan inherited from an ended parent: reaped, nothing more. */
    }
}
