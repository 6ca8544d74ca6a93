/*
 * kevent.c: the event object: Python's threading.Event.
 *
 * Course idea: a flag that threads can wait for. set() raises it and
 * releases every waiter at once (one event, many threads: a starting
 * gun); clear() lowers it; wait() returns at once while it is raised.
 * Unlike a semaphore, nothing is consumed: a set event stays set.
 * Invariant: waiters is empty while the flag is set.
 * Read next: kernel/kcond.c, where the thing waited for is any condition.
 */
#include "ksync.h"

#include "errno.h"
#include "kobj.h"
#include "panic.h"
#include "sched.h"
#include "state.h"

int kevent_set_locked(struct kobj *o)
{
    ASSERT_LOCKED();
    o->u.event.flag = 1;
    sched_wake_all_locked(&o->u.event.waiters, 0);
    poll_notify_locked();
    return 0;
}

int kevent_clear_locked(struct kobj *o)
{
    ASSERT_LOCKED();
    o->u.event.flag = 0;
    return 0;
}

/* A waiter woken by set() returns 0 even if the event was cleared again
 * before it ran: it was set while it waited, which is what it asked. */
int kevent_wait_locked(struct kobj *o, uint32_t timeout)
{
    ASSERT_LOCKED();
    if (o->u.event.flag)
        return 0;
    return sched_block_locked(&o->u.event.waiters, timeout, WHY_WAIT);
}

static void kevent_release_locked(struct kobj *o)
{
    sched_wake_all_locked(&o->u.event.waiters, -EBADF);
}

static int kevent_poll_locked(struct kobj *o, int fdflags)
{
    (void)fdflags;
    return o->u.event.flag ? POLLIN : 0;
}

const struct kobj_ops kevent_ops = {
    .name = "event", .release_locked = kevent_release_locked, .poll_locked = kevent_poll_locked,
};
