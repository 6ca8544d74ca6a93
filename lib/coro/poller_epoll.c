/*
 * poller_epoll.c: the poller (poller.h) on Linux's epoll.
 *
 * epoll keeps the watched set in the kernel, so watch and unwatch are one
 * system call each and wait costs nothing per idle descriptor. The timeout
 * is rounded UP to whole milliseconds: rounding down would wake the loop
 * just before a timer is due and make it spin until it is.
 */
#include "poller.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

struct epoller {
	struct poller base;
	int epfd;
};

static int ep_watch(struct poller *p, int fd, unsigned events, void *key)
{
	struct epoller *e = (struct epoller *)p;
	struct epoll_event ev = { .data.ptr = key };
	if (events & POLLER_IN)
		ev.events |= EPOLLIN;
	if (events & POLLER_OUT)
		ev.events |= EPOLLOUT;
	if (events & POLLER_EDGE) /* a peer's FIN is a change too: report it */
		ev.events |= EPOLLET | EPOLLRDHUP;
	return epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : -errno;
}

static int ep_unwatch(struct poller *p, int fd)
{
	struct epoller *e = (struct epoller *)p;
	return epoll_ctl(e->epfd, EPOLL_CTL_DEL, fd, NULL) == 0 ? 0 : -errno;
}

static int ep_wait(struct poller *p, struct poller_event *out, int max, int64_t timeout_ns)
{
	struct epoller *e = (struct epoller *)p;
	struct epoll_event evs[64];
	if (max > 64)
		max = 64;
	int ms = timeout_ns < 0 ? -1 : (int)((timeout_ns + 999999) / 1000000);
	int n = epoll_wait(e->epfd, evs, max, ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		unsigned got = 0;
		if (evs[i].events & EPOLLIN)
			got |= POLLER_IN;
		if (evs[i].events & EPOLLRDHUP)
			got |= POLLER_IN | POLLER_RDHUP;
		if (evs[i].events & EPOLLOUT)
			got |= POLLER_OUT;
		if (evs[i].events & (EPOLLERR | EPOLLHUP))
			got |= POLLER_ERR | POLLER_IN | POLLER_OUT;
		out[i] = (struct poller_event){ .key = evs[i].data.ptr, .events = got };
	}
	return n;
}

static void ep_destroy(struct poller *p)
{
	struct epoller *e = (struct epoller *)p;
	close(e->epfd);
	free(e);
}

static const struct poller_ops epoll_ops = {
	.name = "epoll", .watch = ep_watch, .unwatch = ep_unwatch,
	.wait = ep_wait, .destroy = ep_destroy,
};

struct poller *poller_epoll_create(void)
{
	struct epoller *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (e->epfd < 0) {
		free(e);
		return NULL;
	}
	e->base.ops = &epoll_ops;
	return &e->base;
}
