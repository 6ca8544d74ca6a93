/*
 * iomodels.c: one echo service written four ways, compared in numbers.
 *
 * Course idea: the IO models. Two clients (child processes) each send 20
 * messages, a few ticks apart, down a pipe of their own, and wait for each
 * echo on another. The service, in this process, is written as
 *   blocking      read client 1 until it is done, then client 2: simple,
 *                 but while it waits on one, the other waits for it;
 *   nonblocking   both pipes O_NONBLOCK, tried in turn for ever: never
 *                 stuck on one, but it burns the CPU asking (-EAGAIN);
 *   poll          sleep in poll() until either has bytes: both served, and
 *                 no CPU spent while nothing happens;
 *   async         one coroutine task per client on lib/coro's event loop
 *                 (lib/coro/async.h): each reads as if it blocked, in
 *                 straight-line code, and the loop sleeps in the same
 *                 poll() while both tasks wait (lib/coro/poller_weft.c).
 * After each, its thread's accounting from the kernel: how often it was
 * woken from BLOCKED, how many times it got the CPU, the ticks it ran and
 * the CPU ticks per kilobyte echoed, and how long the clients took.
 *
 *   run iomodels [blocking|nonblocking|poll|async]     (default: all four)
 * Read next: kernel/poll.c, kernel/pipe.c, lib/coro/async_ops.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/coro/async.h"
#include "weft.h"

PROG_ABOUT("[MODEL]",
           "one echo service four ways: blocking, nonblocking, poll, async (coroutines)");

#define MSGS 20
#define MSG  16

/* A client: MSGS messages of MSG bytes to 1, each echo awaited on 0. */
static int client(int id)
{
    char m[MSG], e[MSG];
    for (int i = 0; i < MSGS; i++) {
        memset(m, 'a' + id, sizeof m);
        m[0] = (char)('0' + i % 10);
        sleep_ticks(2 + id);        /* a person typing, at two speeds */
        if (sys_write(1, m, MSG) != MSG)
            return 1;
        for (int got = 0; got < MSG;) {
            int r = sys_read(0, e + got, (uint32_t)(MSG - got));
            if (r <= 0)
                return 2;
            got += r;
        }
        if (memcmp(m, e, MSG))
            return 3;
    }
    return 0;
}

struct conn { int in, out, done; long bytes; };

/* Echo what one read returns; 0 at end of file. */
static int echo_once(struct conn *c)
{
    char buf[MSG * 4];
    int r = sys_read(c->in, buf, sizeof buf);
    if (r > 0) {
        sys_write(c->out, buf, (uint32_t)r);
        c->bytes += r;
    } else if (r == 0) {
        c->done = 1;
    }
    return r;
}

/* The async model's task: one client, served in straight-line code. */
static int echo_task(struct async_task *self, void *arg, void **result)
{
    struct conn *c = arg;
    while (!c->done) {
        int r = async_readable(self, c->in);
        if (r < 0)
            return r;
        echo_once(c);
    }
    *result = NULL;
    return 0;
}

/* Both clients as tasks of one loop; false if the loop could not run them. */
static int serve_async(struct conn *c)
{
    struct async_loop *loop = async_loop_create(NULL, NULL);
    if (!loop)
        return 0;
    struct async_task *t[2] = { async_spawn(loop, "echo0", echo_task, &c[0]),
                                async_spawn(loop, "echo1", echo_task, &c[1]) };
    int ok = async_run(loop) == 0;
    for (int i = 0; i < 2; i++) {
        ok = ok && t[i] && afuture_error(async_task_future(t[i])) == 0;
        if (t[i])
            afuture_release(async_task_future(t[i]));
    }
    async_loop_destroy(loop);
    return ok;
}

static void serve(const char *model, struct conn *c)
{
    if (!strcmp(model, "blocking")) {
        for (int i = 0; i < 2; i++)
            while (!c[i].done)
                echo_once(&c[i]);
    } else if (!strcmp(model, "nonblocking")) {
        setfl(c[0].in, 1), setfl(c[1].in, 1);
        while (!c[0].done || !c[1].done)
            for (int i = 0; i < 2; i++)
                if (!c[i].done)
                    echo_once(&c[i]);   /* -EAGAIN most of the time */
    } else if (!strcmp(model, "async")) {
        if (!serve_async(c))
            printf("async: the event loop failed\n");
    } else {
        while (!c[0].done || !c[1].done) {
            struct pollfd f[2] = { { c[0].done ? -1 : c[0].in, POLLIN, 0 },
                                   { c[1].done ? -1 : c[1].in, POLLIN, 0 } };
            poll(f, 2, WAIT_FOREVER);
            for (int i = 0; i < 2; i++)
                if (f[i].revents & (POLLIN | POLLHUP))
                    echo_once(&c[i]);
        }
    }
}

static struct thread_info me(void)
{
    struct thread_info ti = { 0 };
    int tid = gettid();
    for (int i = 0; threadinfo(i, &ti) == 0; i++)
        if (ti.tid == tid)
            break;
    return ti;
}

static int run_model(const char *model)
{
    struct conn c[2];
    int pids[2], bad = 0;
    for (int i = 0; i < 2; i++) {
        int up[2], down[2];
        sys_pipe(up, 0), sys_pipe(down, 0);
        char id[2] = { (char)('0' + i), 0 };
        char *argv[] = { "iomodels", "client", id, NULL };
        struct spawn_fd map[] = { { down[0], 0 }, { up[1], 1 }, { -1, -1 } };
        pids[i] = sys_spawn("iomodels", argv, 0, map);
        close(down[0]), close(up[1]);
        c[i] = (struct conn){ up[0], down[1], 0, 0 };
    }
    struct thread_info before = me();
    uint32_t t0 = ticks();
    serve(model, c);
    uint32_t took = ticks() - t0;
    struct thread_info after = me();
    for (int i = 0; i < 2; i++) {
        int status = -1;
        close(c[i].in), close(c[i].out);
        wait(pids[i], &status, WAIT_FOREVER);
        bad += status != 0;
    }
    long bytes = c[0].bytes + c[1].bytes;
    unsigned long cpu = (unsigned long)(after.ticks - before.ticks);
    printf("%-11s %5ld bytes in %4lu ticks: woken %4lu times, ran %5lu times, "
           "%4lu CPU ticks (%lu per KiB)%s\n", model, bytes, (unsigned long)took,
           (unsigned long)(after.wakeups - before.wakeups),
           (unsigned long)(after.switches - before.switches), cpu,
           bytes ? cpu * 1024 / (unsigned long)bytes : 0, bad ? "  CLIENTS FAILED" : "");
    return bad;
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "client"))
        return client(atoi(argv[2]));
    static const char *const models[] = { "blocking", "nonblocking", "poll", "async" };
    int bad = 0, ran = 0;
    for (int i = 0; i < 4; i++) {
        if (argc > 1 && strcmp(argv[1], models[i]))
            continue;
        bad += run_model(models[i]);
        ran++;
    }
    if (!ran) {
        printf("usage: iomodels [blocking|nonblocking|poll|async]\n");
        return 2;
    }
    return bad ? 1 : 0;
}
