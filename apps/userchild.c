/*
 * userchild.c: `userchild ROLE [ARG]`, the parts usertests' children play.
 *
 * Course idea: some kernel promises can only be checked from a second
 * process: a handle is valid in its owner only, a process runs out of its
 * own memory and thread slots without harming anyone else, a parent that
 * ends leaves its children to init (or, for daemons, takes them along).
 * apps/usertests.c spawns this program in one role per case and judges it
 * by its exit status: 0 when the role went as it should.
 *
 *   foreign H       handle H belongs to the parent: every use is -EBADF
 *   oom             malloc until NULL (the heap is the process's block)
 *   threads         create threads until the table or memory says no
 *   orphanparent    spawn a sleeper and end at once: init adopts it
 *   daemonparent    the same with SPAWN_DAEMON: it ends with us
 * Read next: apps/usertests.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft.h"

PROG_ABOUT("ROLE [ARG]",
           "the parts usertests' children play (not for people)");

static void *blocker(void *sem)
{
    sem_wait((int)(intptr_t)sem, WAIT_INFINITE);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *role = argc > 1 ? argv[1] : "?";
    if (!strcmp(role, "foreign") && argc > 2) {
        int h = atoi(argv[2]);
        return sem_post(h) == -EBADF && mutex_lock(h, WAIT_NONE) == -EBADF
               && close(h) == -EBADF ? 0 : 1;
    }
    if (!strcmp(role, "oom")) {
        int n = 0;
        while (malloc(1024))
            n++;
        return n > 0 ? 0 : 1;
    }
    if (!strcmp(role, "threads")) {
        int tids[THREAD_MAX], n = 0, r = 0, joined = 0;
        int sem = sem_create(0);
        while (n < THREAD_MAX && (r = thread_create(blocker, (void *)(intptr_t)sem, 0)) > 0)
            tids[n++] = r;
        for (int i = 0; i < n; i++)
            sem_post(sem);
        for (int i = 0; i < n; i++)
            joined += thread_join(tids[i], NULL, WAIT_INFINITE) == 0;
        close(sem);
        return n > 0 && (r == -EAGAIN || r == -ENOMEM) && joined == n ? 0 : 1;
    }
    if (!strcmp(role, "orphanparent") || !strcmp(role, "daemonparent")) {
        char *argv_s[] = { "sleeper", "sleep", NULL };
        int daemon = role[0] == 'd';
        return spawn("sleeper", argv_s, daemon ? SPAWN_DAEMON : 0) > 0 ? 0 : 1;
    }
    printf("userchild: unknown role %s\n", role);
    return 2;
}
