/*
 * async_os_posix.c: what the event loop takes from Linux by default: the
 * monotonic clock and the epoll poller.
 *
 * Course idea: the loop itself (async_loop.c) is portable; a port supplies a
 * clock that never goes backwards and a poller (poller.h). On weft these
 * will be the tick counter and SYS_POLL.
 */
#include <time.h>

#include "async_internal.h"

static uint64_t monotonic_ns(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * ASYNC_S + (uint64_t)ts.tv_nsec;
}

struct async_clock async_os_clock(void) { return (struct async_clock){ .now = monotonic_ns }; }
struct poller *async_os_poller(void) { return poller_epoll_create(); }
