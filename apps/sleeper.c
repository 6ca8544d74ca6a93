/*
 * sleeper.c: `sleeper [sleep|read|sem|TICKS]` blocks and never wakes up.
 *
 * Course idea: a BLOCKED thread uses no CPU, and it can still be killed.
 * `sleep` sleeps in a loop, `read` waits for console input, `sem` waits on
 * a semaphore nobody posts; a number sleeps that many ticks and exits 0.
 * `spawn HOW` starts `sleeper HOW` as a child and waits for it: a job of
 * two processes, which Ctrl-C ends together (docs/console.md).
 * usertests kills it in each of these states.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "weft.h"

PROG_ABOUT("[sleep|read|sem|N|spawn HOW]",
           "blocks (sleeping, reading, on a semaphore) and uses no CPU");

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "sleep";

    if (isdigit((unsigned char)how[0])) {
        sleep_ticks((uint32_t)strtoul(how, NULL, 0));
        return 0;
    }
    if (!strcmp(how, "spawn") && argc > 2) {
        char *child[] = { "sleeper", argv[2], NULL };
        int status, pid = spawn("sleeper", child, 0);
        return pid < 0 || wait(pid, &status, WAIT_FOREVER) < 0 ? 2 : 0;
    }
    if (!strcmp(how, "read")) {
        char c;
        while (read(0, &c, 1) >= 0)
            ;
    } else if (!strcmp(how, "sem")) {
        int h = sem_create(0);
        if (h < 0)
            return 2;
        sem_wait(h, WAIT_FOREVER);
    } else {
        for (;;)
            sleep_ticks(1000);
    }
    return 1;                       /* woken: not what sleeper is for */
}
