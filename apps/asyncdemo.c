/*
 * asyncdemo.c: several coroutine tasks in one thread, on weft's poll.
 *
 * Course idea: async IO. Three tasks share one thread and one event loop
 * (lib/coro/async.h, the same loop as on Linux, on weft's poll through
 * lib/coro/poller_weft.c): two tickers sleeping on timers of different
 * periods, and a reader awaiting the console. Their lines interleave as
 * the timers fall; the thread itself blocks only when every task waits,
 * in one poll(), as `ps` would show (one thread, BLOCKED).
 *
 *   run asyncdemo          then type a line (or pipe one in)
 * Read next: lib/coro/async_loop.c (the loop's steps), docs/async.md.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../lib/coro/async.h"
#include "weft.h"

PROG_ABOUT("", "three coroutine tasks in one thread: two timers and a console reader");

struct ticker { const char *name; int period_ms, times; };

static int tick_task(struct async_task *self, void *arg, void **result)
{
    struct ticker *t = arg;
    for (int i = 1; i <= t->times; i++) {
        int r = async_sleep(self, (uint64_t)t->period_ms * ASYNC_MS);
        if (r < 0)
            return r;
        printf("%s: tick %d at %lu ms\n", t->name, i, (unsigned long)(async_now(async_task_loop(self)) / ASYNC_MS));
    }
    *result = NULL;
    return 0;
}

static int read_task(struct async_task *self, void *arg, void **result)
{
    char line[64];
    (void)arg;
    printf("reader: waiting for a line on the console\n");
    int n = 0;
    while (n < (int)sizeof line - 1) {
        int r = async_readable(self, 0);
        if (r < 0)
            return r;
        if (sys_read(0, line + n, 1) != 1 || line[n] == '\n' || line[n] == 4)
            break;
        n++;
    }
    line[n] = '\0';
    printf("reader: got '%s'\n", line);
    *result = NULL;
    return 0;
}

int main(void)
{
    static struct ticker a = { "fast", 30, 4 }, b = { "slow", 50, 2 };
    struct async_loop *loop = async_loop_create(NULL, NULL);
    if (!loop) {
        printf("asyncdemo: no loop\n");
        return 1;
    }
    struct async_task *t[3] = {
        async_spawn(loop, "fast", tick_task, &a),
        async_spawn(loop, "slow", tick_task, &b),
        async_spawn(loop, "reader", read_task, NULL),
    };
    int r = async_run(loop);
    int bad = r != 0;
    for (int i = 0; i < 3; i++) {
        if (!t[i]) {
            bad = 1;
            continue;
        }
        bad |= afuture_error(async_task_future(t[i])) != 0;
        afuture_release(async_task_future(t[i]));
    }
    printf("asyncdemo: %lu loop iterations, %s\n", async_iterations(loop), bad ? "FAILED" : "all tasks done");
    async_loop_destroy(loop);
    return bad;
}
