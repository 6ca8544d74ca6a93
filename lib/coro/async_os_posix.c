/*
 * async_os_posix.c: what the event loop takes from Linux by default: the
 * monotonic clock and the epoll poller.
 *
 * Course idea: the loop itself (async_loop.c) is portable; a port supplies a
 * clock that never goes backwards, a poller (poller.h), and a descriptor
 * that other threads can make readable (the pool bridge's wake-up: one
 * eventfd here, both ends at once). On weft these are the tick counter,
 * SYS_POLL and a pipe (async_os_weft.c).
 */
#include <errno.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

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

int async_os_wakeup_open(int wake[2])
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	wake[0] = wake[1] = fd;
	return 0;
}

void async_os_wakeup_close(int wake[2])
{
	close(wake[0]);
	wake[0] = wake[1] = -1;
}
