/*
 * asyncdemo.c: several coroutine tasks in one thread, on weft's poll.
 *
 * Course idea: async IO. Four tasks share one thread and one event loop
 * (lib/coro/async.h, the same loop as on Linux, on weft's poll through
 * lib/coro/poller_weft.c): two tickers sleeping on timers of different
 * periods, a reader awaiting the console, and a server of the second
 * serial line (UART1) that echoes each line it receives upper-cased. Their
 * lines interleave as the timers fall and the bytes come in; the thread
 * itself blocks only when every task waits, in one poll(). At the end it
 * says how often: the loop's poller is wrapped in one that counts the polls
 * that may sleep (the loop's step 4 lets it sleep only when no task is
 * ready), next to the kernel's count of the thread's wake-ups from BLOCKED
 * (more than the polls when a poll is woken for a change it does not watch
 * and sleeps again: kernel/poll.c wakes every poller). `trace run
 * asyncdemo` shows one thread, RUNNING -> BLOCKED, woken by a timeout or
 * an interrupt.
 *
 * UART1 is O_NONBLOCK: a write takes what fits in the transmit ring and
 * the task awaits room for the rest, so a slow peer on UART1 stalls only
 * its own task, never the timers or the console.
 *
 *   run asyncdemo          until a line is typed on the console
 *   run asyncdemo LINES    and until LINES lines came in on UART1 too
 * Under `make run` UART1 is a TCP port (the boot banner says which):
 * `nc 127.0.0.1 PORT`.
 * Read next: lib/coro/async_loop.c (the loop's steps), docs/async.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/coro/async.h"
#include "weft.h"

PROG_ABOUT("[LINES]", "four coroutine tasks in one thread: two timers, the console, UART1");

#define SHOWN 5                     /* UART1 lines reported on the console, then only counted */

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

/* ---- UART1: lines in, upper-cased lines out --------------------------- */

static struct serial {
    struct async_task *task;
    int fd, wanted, lines, waits;   /* waits: writes that found the ring full */
    long bytes;
} serial = { NULL, -1, 0, 0, 0, 0 };

/* Write all n bytes to UART1, awaiting room whenever the ring is full. */
static int send_all(struct async_task *self, const char *p, int n)
{
    while (n > 0) {
        int w = sys_write(serial.fd, p, (uint32_t)n);
        if (w == -EAGAIN) {
            serial.waits++;
            int r = async_writable(self, serial.fd);
            if (r < 0)
                return r;
            continue;
        }
        if (w < 0)
            return w;
        p += w, n -= w, serial.bytes += w;
    }
    return 0;
}

/* A CR is dropped, an LF (or a full buffer) ends the line. */
static int serve_bytes(struct async_task *self, const char *buf, int n, char *line, int *len)
{
    for (int i = 0; i < n; i++) {
        char c = buf[i] >= 'a' && buf[i] <= 'z' ? (char)(buf[i] - 32) : buf[i];
        if (c == '\r')
            continue;
        if (c != '\n')
            line[(*len)++] = c;
        if (c != '\n' && *len < 79)
            continue;
        line[(*len)++] = '\n';
        int r = send_all(self, line, *len);
        if (r < 0)
            return r;
        if (++serial.lines <= SHOWN)
            printf("serial: line %d: %.*s", serial.lines, *len, line);
        *len = 0;
    }
    return 0;
}

static int serial_task(struct async_task *self, void *arg, void **result)
{
    (void)arg;
    char buf[64], line[80];
    int len = 0, r = 0;
    printf("serial: UART1 is descriptor %d; echoing its lines upper-cased\n", serial.fd);
    while (!serial.wanted || serial.lines < serial.wanted) {
        if ((r = async_readable(self, serial.fd)) < 0)
            break;
        int n = sys_read(serial.fd, buf, sizeof buf);
        if (n == -EAGAIN)
            continue;
        if ((r = n < 0 ? n : serve_bytes(self, buf, n, line, &len)) < 0)
            break;
    }
    printf("serial: %d lines, %ld bytes echoed, %d waits for room to write\n", serial.lines,
           serial.bytes, serial.waits);
    *result = NULL;
    return r == -ECANCELED && !serial.wanted ? 0 : r;   /* told to stop: a clean end */
}

/* ---- The poller, counted ------------------------------------------------ */

/* weft's poller, with a count of the waits that may sleep (a timeout other
 * than 0: the loop had nothing ready). */
static struct counted {
    struct poller base;
    struct poller *inner;
    unsigned long idle_polls;
} counted;

static int c_watch(struct poller *p, int fd, unsigned ev, void *key)
{
    (void)p;
    return counted.inner->ops->watch(counted.inner, fd, ev, key);
}
static int c_unwatch(struct poller *p, int fd)
{
    (void)p;
    return counted.inner->ops->unwatch(counted.inner, fd);
}
static int c_wait(struct poller *p, struct poller_event *ev, int max, int64_t timeout)
{
    (void)p;
    counted.idle_polls += timeout != 0;
    return counted.inner->ops->wait(counted.inner, ev, max, timeout);
}
static void c_destroy(struct poller *p)
{
    (void)p;
    counted.inner->ops->destroy(counted.inner);
}
static const struct poller_ops counted_ops = { "weft poll, counted", c_watch, c_unwatch, c_wait, c_destroy };

/* This thread's wake-ups from BLOCKED, and how many threads the process has. */
static unsigned long my_wakeups(int *threads)
{
    struct thread_info ti;
    unsigned long w = 0;
    int me = gettid(), pid = getpid();
    *threads = 0;
    for (int i = 0; threadinfo(i, &ti) == 0; i++) {
        *threads += ti.pid == pid;
        if (ti.tid == me)
            w = ti.wakeups;
    }
    return w;
}

/* ---- The console ------------------------------------------------------- */

static int read_task(struct async_task *self, void *arg, void **result)
{
    char line[64];
    (void)arg;
    printf("reader: waiting for a line on the console\n");
    /* The console is raw: no kernel line discipline. So, as a terminal's
     * cooked mode would: echo what is typed, take Enter (CR, or LF from
     * a pipe) or Ctrl-D as the end of the line, and Backspace. */
    int n = 0;
    for (;;) {
        int r = async_readable(self, 0);
        if (r < 0)
            return r;
        char c;
        if (sys_read(0, &c, 1) != 1 || c == '\r' || c == '\n' || c == 4)
            break;
        if ((c == 0x7f || c == '\b') && n > 0) {
            n--;
            sys_write(1, "\b \b", 3);
        } else if (c >= ' ' && c < 0x7f && n < (int)sizeof line - 1) {
            line[n++] = c;
            sys_write(1, &c, 1);
        }
    }
    sys_write(1, "\n", 1);
    line[n] = '\0';
    printf("reader: got '%s'\n", line);
    if (!serial.wanted && serial.task)
        async_task_cancel(serial.task);     /* the console line ends the demo */
    *result = NULL;
    return 0;
}

int main(int argc, char **argv)
{
    static struct ticker a = { "fast", 30, 4 }, b = { "slow", 50, 2 };
    char *end = "";
    serial.wanted = argc > 1 ? (int)strtol(argv[1], &end, 10) : 0;
    if (argc > 2 || *end || serial.wanted < 0 || serial.wanted > 100000) {
        printf("usage: asyncdemo [LINES 0-100000]\n");
        return 2;
    }
    struct async_loop *loop = NULL;
    serial.fd = serial_open(O_NONBLOCK);
    counted = (struct counted){ { &counted_ops }, poller_weft_create(), 0 };
    int threads;
    unsigned long woken = my_wakeups(&threads);
    if (serial.fd < 0 || !counted.inner || !(loop = async_loop_create(&counted.base, NULL))) {
        printf("asyncdemo: %s (%d)\n", serial.fd < 0 ? "no UART1" : "no memory for the loop", serial.fd);
        return 2;
    }
    struct async_task *t[4] = {
        async_spawn(loop, "fast", tick_task, &a),
        async_spawn(loop, "slow", tick_task, &b),
        async_spawn(loop, "reader", read_task, NULL),
        serial.task = async_spawn(loop, "serial", serial_task, NULL),
    };
    int r = async_run(loop);
    int bad = r != 0;
    for (int i = 0; i < 4; i++) {
        if (!t[i]) {
            bad = 1;
            continue;
        }
        bad |= afuture_error(async_task_future(t[i])) != 0;
        afuture_release(async_task_future(t[i]));
    }
    woken = my_wakeups(&threads) - woken;
    printf("asyncdemo: %d thread; %lu polls made with every task waiting, woken %lu times\n",
           threads, counted.idle_polls, woken);
    printf("asyncdemo: %lu loop iterations, %s\n", async_iterations(loop), bad ? "FAILED" : "all tasks done");
    async_loop_destroy(loop);
    close(serial.fd);
    return bad;
}
