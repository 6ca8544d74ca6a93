/*
 * asyncchild.c: the parts usertests' coroutine cases give a child to play
 * (apps/usertests_coro.c judges them).
 *
 * Course idea: a coroutine task that awaits is, to the kernel, one thread
 * BLOCKED in poll; everything else (its stack, the loop, the futures) is
 * the process's own memory. So killing the process mid-await must leave
 * nothing behind, and a descriptor closed under an awaiting task must wake
 * it (kernel/poll.c: POLLNVAL), never leave it waiting for ever.
 *
 *   asyncchild await     three tasks wait for ever: one on descriptor 0 (a
 *                        pipe no one writes), one on a future no one
 *                        resolves, one in a long sleep; says 'r' on
 *                        descriptor 1 once all three wait, then is killed
 *   asyncchild awaitpool a task awaits work on lib/pool's thread pool (via
 *                        the loop's bridge, lib/coro/async_pool.c) while
 *                        the worker is blocked reading descriptor 0; says
 *                        'r' on descriptor 1, then is killed
 *   asyncchild closed    a task awaits a pipe's read end; another thread
 *                        closes that descriptor; the await must return and
 *                        the next read say -EBADF. Exit 0 if so.
 * Read next: apps/usertests_coro.c, lib/coro/async_ops.c.
 */
#include <errno.h>
#include <string.h>

#include "../lib/coro/async.h"
#include "../lib/coro/async_pool.h"
#include "weft.h"

PROG_ABOUT("ROLE", "the parts usertests' coroutine cases play (not for people)");

static struct afuture *never;
static int waiting;

static int await_fd0(struct async_task *self, void *arg, void **result)
{
    (void)arg, (void)result;
    waiting++;
    return async_readable(self, 0);
}

static int await_never(struct async_task *self, void *arg, void **result)
{
    (void)arg;
    waiting++;
    return async_await(self, never, result);
}

static int sleep_long(struct async_task *self, void *arg, void **result)
{
    (void)arg, (void)result;
    waiting++;
    return async_sleep(self, 1000 * ASYNC_S);
}

/* Runs in step 3 once every task has reached its await: tell the parent. */
static int announce(struct async_task *self, void *arg, void **result)
{
    (void)arg, (void)result;
    while (waiting < 3)
        async_sleep(self, 0);
    return sys_write(1, "r", 1) == 1 ? 0 : -EIO;
}

static int role_await(void)
{
    struct async_loop *loop = async_loop_create(NULL, NULL);
    if (!loop)
        return 20;
    never = afuture_create(loop);
    async_spawn(loop, "fd0", await_fd0, NULL);
    async_spawn(loop, "never", await_never, NULL);
    async_spawn(loop, "sleep", sleep_long, NULL);
    async_spawn(loop, "announce", announce, NULL);
    async_run(loop);                /* never returns: the parent kills us */
    return 21;
}

/* On a pool worker: blocks until the parent writes (it never does). */
static int read_fd0(void *arg, void **result)
{
    (void)arg, (void)result;
    char c;
    return sys_read(0, &c, 1) == 1 ? 0 : EIO;
}

static int await_pool(struct async_task *self, void *arg, void **result)
{
    struct threadpool *tp = arg;
    struct afuture *f = async_pool_submit(async_task_loop(self), tp, read_fd0, NULL);
    if (!f)
        return -ENOMEM;
    sleep_ticks(3);                 /* the worker is in its read by now */
    if (sys_write(1, "r", 1) != 1)
        return -EIO;
    return async_await(self, f, result);
}

static int role_awaitpool(void)
{
    struct async_loop *loop = async_loop_create(NULL, NULL);
    struct threadpool *tp = threadpool_create(1, 0);
    if (!loop || !tp)
        return 40;
    async_spawn(loop, "pool", await_pool, tp);
    async_run(loop);                /* never returns: the parent kills us */
    return 41;
}

static int rd = -1;

static void *closer(void *arg)
{
    (void)arg;
    sleep_ticks(5);                 /* the task is in its await by now */
    return (void *)(intptr_t)close(rd);
}

static int await_closed(struct async_task *self, void *arg, void **result)
{
    (void)arg, (void)result;
    int r = async_readable(self, rd);
    char c;
    int n = sys_read(rd, &c, 1);
    return r == 0 && n == -EBADF ? 0 : -EPROTO;
}

static int role_closed(void)
{
    int p[2];
    struct async_loop *loop = async_loop_create(NULL, NULL);
    if (!loop || sys_pipe(p, 0) < 0)
        return 30;
    rd = p[0];
    int tid = thread_create(closer, NULL, 0);
    struct async_task *t = async_spawn(loop, "closed", await_closed, NULL);
    if (tid < 0 || !t)
        return 31;
    int r = async_run(loop);
    void *c = (void *)1;
    thread_join(tid, &c, WAIT_FOREVER);
    int e = afuture_error(async_task_future(t));
    afuture_release(async_task_future(t));
    async_loop_destroy(loop);
    close(p[1]);
    return r == 0 && c == NULL && e == 0 ? 0 : 32;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "await"))
        return role_await();
    if (argc == 2 && !strcmp(argv[1], "awaitpool"))
        return role_awaitpool();
    if (argc == 2 && !strcmp(argv[1], "closed"))
        return role_closed();
    return 2;
}
