/*
 * poller.h: what the event loop needs from the operating system to wait on
 * many descriptors at once, as one small interface with a back end per
 * system.
 *
 * Course idea: the multiplexed IO model. Instead of one blocked thread per
 * descriptor, one thread asks the kernel "wake me when any of these is
 * ready, or after this long". Linux answers with epoll (poller_epoll.c);
 * weft's back end will wrap its poll system call (issue 11's kernel part)
 * behind the same four operations: it keeps the watched set in an array and
 * hands it to poll() on each wait, which is all poll needs.
 *
 * Contract for every back end:
 *  - watch(fd, events, key): interest in POLLER_IN and/or POLLER_OUT on fd;
 *    `key` comes back with each event. One watch per descriptor: a second
 *    is -EEXIST. unwatch(fd) ends it (-ENOENT if there was none).
 *  - wait(events, max, timeout_ns): block until a watched descriptor is
 *    ready or timeout_ns passes (0: just look; POLLER_FOREVER: no limit).
 *    Returns how many events it stored (0 on timeout or a signal), or a
 *    negative errno. Errors and hang-ups are reported as POLLER_ERR together
 *    with the readiness asked for, so a waiter always wakes.
 *  - Level-triggered: a descriptor that stays ready is reported again.
 *    With POLLER_EDGE in `events` a change is reported once instead (epoll's
 *    EPOLLET): watch for IN and OUT once and never touch it again; a back
 *    end that cannot do that returns -ENOTSUP. async_fd.c explains when
 *    each is the right choice.
 *
 * Read next: poller_epoll.c, then async_loop.c (step 4 of the loop).
 */
#ifndef WEFT_POLLER_H
#define WEFT_POLLER_H

#include <stdint.h>

#define POLLER_IN  1u
#define POLLER_OUT 2u
#define POLLER_ERR 4u
#define POLLER_EDGE 8u /* watch only: report changes, not states */
#define POLLER_RDHUP 16u /* with POLLER_EDGE: the peer closed its side (with POLLER_IN) */
#define POLLER_FOREVER (-1)

struct poller_event {
	void *key;
	unsigned events;
};

struct poller;
struct poller_ops {
	const char *name;
	int (*watch)(struct poller *p, int fd, unsigned events, void *key);
	int (*unwatch)(struct poller *p, int fd);
	int (*wait)(struct poller *p, struct poller_event *ev, int max, int64_t timeout_ns);
	void (*destroy)(struct poller *p);
};

struct poller {
	const struct poller_ops *ops;
};

/* Linux: NULL with errno set if epoll_create1 fails. */
struct poller *poller_epoll_create(void);
/* weft (poller_weft.c): NULL if out of memory. */
struct poller *poller_weft_create(void);

#endif
