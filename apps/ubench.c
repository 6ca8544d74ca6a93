/*
 * ubench.c: `ubench MODE N`, the user-mode side of the process benchmarks.
 *
 * Course idea: what crossing into the kernel costs. A system call is a trap,
 * a switch between processes also reloads the MPU, and a spawn loads a whole
 * program. Each mode does one of those N times and nothing else; the timing
 * is done outside, by the kernel-side harness tests/target/bench_proc.c,
 * which runs every mode with two values of N and takes the difference (user
 * code cannot read the timer: devices are outside its memory).
 *
 *   ubench loop N      N passes of an empty loop (the harness's baseline)
 *   ubench getpid N    N getpid() calls: one system call round trip each
 *   ubench yield N     N yield() calls; two such processes alternate
 *   ubench threads N   two threads of this process, N yield() calls each
 *   ubench spawn N     N times: spawn `ubench exit`, wait for it
 *   ubench exit        end at once with status 0
 *
 * Exit status: 0 when every call gave what it should, else the number of
 * the check that failed (the harness refuses a figure from a failed run).
 * It prints nothing: a console interrupt would land in the measurement.
 * From the shell, `run ubench spawn 100` works too; it just says nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "weft.h"

PROG_ABOUT("MODE N",
           "the user side of make bench-proc (not for people)");

static uint32_t n;

static int do_loop(void)
{
    for (uint32_t i = 0; i < n; i++)
        __asm volatile ("");
    return 0;
}

static int do_getpid(void)
{
    int me = getpid();
    for (uint32_t i = 0; i < n; i++)
        if (getpid() != me)
            return 2;
    return 0;
}

static int do_yield(void)
{
    for (uint32_t i = 0; i < n; i++)
        if (yield() != 0)
            return 3;
    return 0;
}

static void *yielder(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)do_yield();
}

/* The main thread and one more, alternating: a switch that stays inside
 * one process, so the MPU keeps its regions. */
static int do_threads(void)
{
    void *other;
    int tid = thread_create(yielder, NULL, 0);
    if (tid < 0)
        return 4;
    int mine = do_yield();
    if (thread_join(tid, &other, WAIT_FOREVER) != 0)
        return 5;
    return mine ? mine : (int)(intptr_t)other;
}

static int do_spawn(void)
{
    static char *const child[] = { "ubench", "exit", NULL };
    int status;
    for (uint32_t i = 0; i < n; i++) {
        int pid = spawn("ubench", child, 0);
        if (pid < 0)
            return 6;
        if (wait(pid, &status, WAIT_FOREVER) != pid || status != 0)
            return 7;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct { const char *name; int (*run)(void); } modes[] = {
        { "loop", do_loop }, { "getpid", do_getpid }, { "yield", do_yield },
        { "threads", do_threads }, { "spawn", do_spawn },
    };
    if (argc == 2 && strcmp(argv[1], "exit") == 0)
        return 0;
    if (argc != 3)
        return 1;
    n = (uint32_t)strtoul(argv[2], NULL, 10);
    for (unsigned i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (strcmp(argv[1], modes[i].name) == 0)
            return modes[i].run();
    return 1;
}
