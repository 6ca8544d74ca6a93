/*
 * daemons.c: `daemons [WORK]`: Python's rule for daemon threads, shown.
 *
 * Course idea: in Python, a process lives on after its main thread ends
 * while any non-daemon thread runs; daemon threads do not keep it alive,
 * and are ended when the last non-daemon thread ends. weft follows the same
 * rule (kernel/proc.c). Here main starts a daemon thread that would tick
 * forever and a non-daemon worker that works WORK ticks (default 30), then
 * main returns at once. The process goes on (the worker keeps it alive),
 * the daemon ticks meanwhile, and the moment the worker ends, the daemon
 * is ended with the process: its last tick comes before "worker: done".
 * Try `run daemons &` then `ps` while it runs: main is gone, the daemon
 * thread has the D flag. tests/target/demos.sh checks the order.
 */
#include <stdio.h>
#include <stdlib.h>

#include "weft.h"

PROG_ABOUT("[WORK]",
           "Python's rule: daemon threads end with the last non-daemon thread");

static volatile int ticks_seen;

static void *daemon_body(void *arg)
{
    (void)arg;
    for (;;) {                      /* never ends by itself */
        ticks_seen++;
        printf("daemon: tick %d\n", ticks_seen);
        sleep_ticks(10);
    }
    return NULL;
}

static void *worker_body(void *arg)
{
    uint32_t work = (uint32_t)(uintptr_t)arg;
    sleep_ticks(work);
    printf("worker: done after %lu ticks; the process ends now, the daemon with it\n",
           (unsigned long)work);
    return NULL;
}

int main(int argc, char **argv)
{
    uint32_t work = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 30;
    if (thread_create(daemon_body, NULL, THREAD_DAEMON) < 0 ||
        thread_create(worker_body, (void *)(uintptr_t)work, 0) < 0) {
        printf("daemons: cannot create the threads\n");
        return 1;
    }
    printf("main: returning now; the worker (non-daemon) keeps the process alive\n");
    return 0;
}
