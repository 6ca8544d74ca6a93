/*
 * poller_weft.c: poller.h on weft's poll system call (kernel/poll.c).
 *
 * Course idea: the same event loop (async_loop.c) on two kernels; only the
 * poller changes. Linux keeps the watched set in the kernel (epoll); weft's
 * poll takes the whole set on every call, so this poller keeps it here, in
 * a small array, and hands it to poll() each time the loop waits. The
 * timeout is rounded up to whole ticks: a wait never ends early.
 * Read next: lib/coro/async_os_weft.c, kernel/poll.c.
 */
#include <errno.h>
#include <stdlib.h>

#include "poller.h"
#include "weft.h"

struct wpoller {
    struct poller base;
    int n;
    struct pollfd fds[POLL_MAX];
    void *keys[POLL_MAX];
};

static int w_watch(struct poller *p, int fd, unsigned events, void *key)
{
    struct wpoller *w = (struct wpoller *)p;
    if (events & POLLER_EDGE)
        return -ENOTSUP;            /* poll reports states, not changes (poller.h) */
    for (int i = 0; i < w->n; i++)
        if (w->fds[i].fd == fd)
            return -EEXIST;
    if (w->n == POLL_MAX)
        return -ENOSPC;
    w->fds[w->n] = (struct pollfd){ fd, (short)((events & POLLER_IN ? POLLIN : 0) |
                                               (events & POLLER_OUT ? POLLOUT : 0)), 0 };
    w->keys[w->n++] = key;
    return 0;
}

static int w_unwatch(struct poller *p, int fd)
{
    struct wpoller *w = (struct wpoller *)p;
    for (int i = 0; i < w->n; i++) {
        if (w->fds[i].fd != fd)
            continue;
        w->n--;
        w->fds[i] = w->fds[w->n];
        w->keys[i] = w->keys[w->n];
        return 0;
    }
    return -ENOENT;
}

static int w_wait(struct poller *p, struct poller_event *ev, int max, int64_t timeout_ns)
{
    struct wpoller *w = (struct wpoller *)p;
    uint32_t ticks_to_wait = WAIT_FOREVER;
    if (timeout_ns >= 0) {
        int64_t t = (timeout_ns + 999999) / 1000000;            /* 1 tick = 1 ms */
        ticks_to_wait = t > 0x7FFFFFFF ? 0x7FFFFFFF : (uint32_t)t;
    }
    int r = poll(w->fds, w->n, ticks_to_wait);
    if (r <= 0)
        return r;
    int got = 0;
    for (int i = 0; i < w->n && got < max; i++) {
        short re = w->fds[i].revents;
        if (!re)
            continue;
        ev[got].key = w->keys[i];
        ev[got].events = (re & (POLLIN | POLLHUP) ? POLLER_IN : 0) | (re & POLLOUT ? POLLER_OUT : 0) |
                         (re & (POLLERR | POLLNVAL) ? POLLER_ERR : 0);
        got++;
    }
    return got;
}

static void w_destroy(struct poller *p) { free(p); }

static const struct poller_ops weft_ops = { "weft poll", w_watch, w_unwatch, w_wait, w_destroy };

struct poller *poller_weft_create(void)
{
    struct wpoller *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->base.ops = &weft_ops;
    return &w->base;
}
