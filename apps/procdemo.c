/*
 * procdemo.c: the life of a process, one system call at a time.
 *
 * Course idea: processes. The steps come in the order a student meets
 * them: who am I (pid, parent), start a child and wait for it (its exit
 * status comes back), is it still alive (wait without waiting), end it
 * (kill), a daemon child (killed when its parent ends), and names. The
 * children are this same program started with an argument that says
 * which part to play. Read next: apps/globals.c.
 */
#include <stdio.h>
#include <string.h>

#include "weft.h"

PROG_ABOUT("",
           "a process's life: spawn, wait, is-alive, kill, rename, a daemon child");

static int start(char *role)
{
    char *argv[] = { "procdemo", role, NULL };
    int pid = spawn("procdemo", argv, strcmp(role, "daemon") ? 0 : SPAWN_DAEMON);
    if (pid < 0)
        printf("procdemo: spawn failed (%d)\n", pid);
    return pid;
}

static void show_name(const char *when)
{
    struct proc_info pi;
    procinfo(0, &pi);
    printf("   %s: my name is '%s'\n", when, pi.name);
}

static int child(const char *role)
{
    if (!strcmp(role, "child")) {
        printf("   child: I am pid %d, my parent is %d; exiting with 7\n",
               getpid(), getppid());
        return 7;
    }
    for (;;)                        /* "forever" and "daemon": block until killed */
        sleep_ticks(1000);
}

int main(int argc, char **argv)
{
    char how[32];
    int status, pid;

    if (argc > 1)
        return child(argv[1]);

    printf("1. Who am I? pid %d, parent %d (init is 1)\n", getpid(), getppid());

    printf("2. Start a child and wait for it to end (join):\n");
    pid = start("child");
    if (pid > 0 && wait(pid, &status, WAIT_FOREVER) == pid)
        printf("   child %d %s\n", pid, status_str(status, how, sizeof how));

    printf("3. Is it alive? Wait with timeout WAIT_NONE just looks:\n");
    pid = start("forever");
    int r = wait(pid, &status, WAIT_NONE);
    printf("   wait(%d, WAIT_NONE) = %d: %s\n", pid, r,
           r == pid ? "it has ended" : "still running");

    printf("4. Terminate it:\n");
    printf("   kill(%d) = %d\n", pid, kill(pid));
    if (wait(pid, &status, WAIT_FOREVER) == pid)
        printf("   child %d %s\n", pid, status_str(status, how, sizeof how));

    printf("5. A daemon child is killed when its parent ends:\n");
    pid = start("daemon");
    struct proc_info pi;
    if (pid > 0 && procinfo(pid, &pi) == 0)
        printf("   daemon %d runs (daemon=%d); it goes when procdemo exits\n",
               pid, pi.daemon);

    printf("6. Names:\n");
    show_name("before");
    setname("renamed");
    show_name("after setname(\"renamed\")");

    printf("procdemo: done\n");
    return 0;
}
