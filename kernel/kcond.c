/*
 * kcond.c: the condition variable object: Python's threading.Condition.
 *
 * Course idea: a queue of threads waiting for "something to become true"
 * about data a mutex guards. wait() releases the mutex and sleeps in one
 * step, with no gap in which a notify could be missed (both happen under
 * the kernel's one lock), then takes the mutex back before returning, also
 * after a timeout, so the caller always holds it when it re-checks its
 * condition in its `while` loop. notify(n) wakes up to n waiters,
 * notify_all every one; a woken thread must still re-check (another may
 * have got there first).
 * Read next: apps/events.c (a bounded buffer made of one mutex and two
 * conditions), kernel/kbarrier.c.
 */
#include "ksync.h"

#include "errno.h"
#include "kobj.h"
#include "panic.h"
#include "sched.h"
#include "state.h"

/* An RLock held several times is released wholly and taken back as deep.
 * A killed waiter (-EINTR) cannot block, so it takes the mutex back only
 * if it is free (as POSIX's cancellation does); its process is ending, and
 * its end passes the mutex on with -EOWNERDEAD: the next owner learns that
 * a thread died inside the critical section. */
int kcond_wait_locked(struct kobj *c, struct kobj *m, uint32_t timeout)
{
    ASSERT_LOCKED();
    uint16_t depth;
    uint32_t mserial = m->serial;
    int r = kmutex_release_for_wait_locked(m, &depth);
    if (r < 0)
        return r;                   /* -EPERM: not the owner */
    r = sched_block_locked(&c->u.cond.waiters, timeout, WHY_WAIT);
    int r2 = kmutex_reacquire_locked(m, mserial, depth, r == -EINTR ? WAIT_NONE : WAIT_FOREVER);
    if (r == -EINTR)
        return r;
    return r2 < 0 && r2 != -EOWNERDEAD ? r2 : r != 0 ? r : r2;
}

int kcond_notify_locked(struct kobj *c, int n)
{
    ASSERT_LOCKED();
    int woken = 0;
    while ((n < 0 || woken < n) && sched_wake_one_locked(&c->u.cond.waiters, 0))
        woken++;
    return woken;
}

static void kcond_release_locked(struct kobj *o)
{
    sched_wake_all_locked(&o->u.cond.waiters, -EBADF);
}

const struct kobj_ops kcond_ops = {
    .name = "condition", .release_locked = kcond_release_locked,
};
