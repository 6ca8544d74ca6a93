/*
 * async_os_weft.c: what the event loop takes from weft: the tick as its
 * clock (1 ms), the poller on SYS_POLL (poller_weft.c), and a thread-pool
 * bridge that does nothing (async_run_in_pool is Linux's, async_pool.c).
 * Read next: lib/coro/poller_weft.c, apps/asyncdemo.c.
 */
#include "async_internal.h"
#include "weft.h"

struct poller *poller_weft_create(void);

static uint64_t tick_ns(void *ctx)
{
    (void)ctx;
    return (uint64_t)ticks() * 1000000u;
}

struct async_clock async_os_clock(void) { return (struct async_clock){ .now = tick_ns }; }
struct poller *async_os_poller(void) { return poller_weft_create(); }
void async_bridge_init(struct async_loop *loop) { (void)loop; }
void async_bridge_fini(struct async_loop *loop) { (void)loop; }
