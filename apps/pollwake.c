/*
 * pollwake.c: `pollwake N`, the user side of the poll_wakeup benchmark
 * (tests/target/bench_pollwake.c measures; this program only waits).
 *
 * Course idea: what "interrupt-driven IO" costs end to end. One coroutine
 * task of lib/coro's event loop awaits the console N times; between bytes
 * the whole process is one thread BLOCKED in poll and the CPU sleeps. When
 * a byte arrives, the console's receive interrupt wakes the poller, the
 * scheduler switches to it, poll returns to user mode, the loop runs the
 * descriptor's callback, queues the task and resumes its coroutine, and
 * the await returns. The first thing the task then does is `trip()`: a
 * load from an address user code may not touch, which faults into the
 * harness's MemManage stub, which reads the timer and skips the load. The
 * harness read the timer at the interrupt's first instruction too; the
 * difference is the path, in instructions under -icount.
 *
 * Exit status: 0 when N bytes were read, else the step that failed. It
 * prints nothing: console output would add interrupts to the path.
 * From the shell, `run pollwake 1` dies of the fault (no harness).
 */
#include <errno.h>
#include <stdlib.h>

#include "../lib/coro/async.h"
#include "weft.h"

PROG_ABOUT("N", "the user side of make bench's poll_wakeup (not for people)");

/* The harness's tripwire: Timer1's value register, a device (no user
 * region covers it), so the load is a MemManage DACCVIOL at this address. */
#define TRIPWIRE 0x40001004u

static void trip(void)
{
    __asm volatile ("ldr.w r0, [%0]" :: "r"(TRIPWIRE) : "r0", "memory");
}

static int waker(struct async_task *self, void *arg, void **result)
{
    int n = (int)(intptr_t)arg;
    for (int i = 0; i < n; i++) {
        if (async_readable(self, 0) < 0)
            return -EIO;
        trip();
        char c;
        if (sys_read(0, &c, 1) != 1)
            return -EIO;
    }
    *result = NULL;
    return 0;
}

int main(int argc, char **argv)
{
    int n = argc == 2 ? atoi(argv[1]) : 0;
    struct async_loop *loop = n > 0 ? async_loop_create(NULL, NULL) : NULL;
    if (!loop)
        return 1;
    struct async_task *t = async_spawn(loop, "waker", waker, (void *)(intptr_t)n);
    if (!t || async_run(loop) != 0)
        return 2;
    int r = afuture_error(async_task_future(t));
    afuture_release(async_task_future(t));
    async_loop_destroy(loop);
    return r ? 3 : 0;
}
