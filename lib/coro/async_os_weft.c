/*
 * async_os_weft.c: what the event loop takes from weft: the tick as its
 * clock (1 ms), the poller on SYS_POLL (poller_weft.c), and a pipe as the
 * thread-pool bridge's wake-up (async_pool.c: a pool thread writes, the
 * loop's poll sees the read end readable). Linux uses one eventfd there;
 * weft has no eventfd, and a pipe does the same job with two descriptors.
 * Read next: lib/coro/poller_weft.c, apps/asyncdemo.c.
 */
#include "async_internal.h"
#include "weft.h"

static uint64_t tick_ns(void *ctx)
{
    (void)ctx;
    return (uint64_t)ticks() * 1000000u;
}

struct async_clock async_os_clock(void) { return (struct async_clock){ .now = tick_ns }; }
struct poller *async_os_poller(void) { return poller_weft_create(); }

int async_os_wakeup_open(int wake[2])
{
    return sys_pipe(wake, O_NONBLOCK);
}

void async_os_wakeup_close(int wake[2])
{
    close(wake[0]);
    close(wake[1]);
    wake[0] = wake[1] = -1;
}
