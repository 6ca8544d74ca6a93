/*
 * globals.c: processes have memory of their own; threads share it.
 *
 * Course idea: the difference between a process and a thread. A child
 * process (this program started with the argument "child") changes the
 * global `counter` and prints it; the parent's counter is unchanged,
 * because the child's globals live in the child's own memory block. Two
 * threads of one process, by contrast, see each other's writes.
 * Read next: apps/zombie.c.
 */
#include <stdio.h>
#include <string.h>

#include "weft.h"

PROG_ABOUT("",
           "processes have their own globals; threads share them");

static int counter = 100;
static volatile int mailbox;        /* written by one thread, read by the other */

static void *worker(void *arg)
{
    printf("   thread %d sees mailbox = %d; writing %d\n", gettid(), mailbox,
           (int)(intptr_t)arg);
    mailbox = (int)(intptr_t)arg;
    return NULL;
}

int main(int argc, char **argv)
{
    char how[32];
    int status;

    if (argc > 1 && !strcmp(argv[1], "child")) {
        counter = 999;
        printf("   child %d: counter = %d at %p\n", getpid(), counter, (void *)&counter);
        return 0;
    }

    printf("1. A child process changes its copy of a global:\n");
    printf("   parent %d: counter = %d at %p\n", getpid(), counter, (void *)&counter);
    char *argv_child[] = { "globals", "child", NULL };
    int pid = spawn("globals", argv_child, 0);
    if (pid < 0 || wait(pid, &status, WAIT_FOREVER) != pid) {
        printf("globals: cannot run the child (%d)\n", pid);
        return 1;
    }
    printf("   child %s; parent's counter is still %d\n",
           status_str(status, how, sizeof how), counter);

    printf("2. Two threads of one process share their globals:\n");
    mailbox = 1;
    printf("   main thread %d writes mailbox = 1\n", gettid());
    int tid = thread_create(worker, (void *)2, 0);
    if (tid < 0 || thread_join(tid, NULL, WAIT_FOREVER) < 0) {
        printf("globals: cannot run the thread (%d)\n", tid);
        return 1;
    }
    printf("   main thread sees mailbox = %d\n", mailbox);
    return mailbox == 2 && counter == 100 ? 0 : 1;
}
