/*
 * ksem.c: the semaphore object: Python's Semaphore and BoundedSemaphore.
 *
 * Course idea: a counting semaphore (kernel/sem.c does the counting and
 * the waiting) named by a descriptor, so that threads of several processes
 * can share it. A bounded one also remembers its maximum, and a post that
 * would pass it is a bug in the program, reported as -EOVERFLOW (Python
 * raises ValueError) instead of silently allowing one unit too many.
 * Read next: kernel/kmutex.c.
 */
#include "ksync.h"

#include "errno.h"
#include "kobj.h"
#include "panic.h"
#include "sched.h"
#include "uapi.h"

int ksem_init_locked(struct ksem *s, int count, int max)
{
    if (count < 0 || count > 0xFFFF || max < 0 || max > 0xFFFF || (max && count > max))
        return -EINVAL;
    sem_init(&s->sem, count);
    s->max = (uint16_t)max;
    return 0;
}

int ksem_wait_locked(struct kobj *o, uint32_t timeout)
{
    return sem_wait_locked(&o->u.sem.sem, timeout);
}

/* Invariant (kernel/sem.c): count > 0 only while nobody waits, so a post
 * to a semaphore with waiters never overflows it. */
int ksem_post_locked(struct kobj *o)
{
    ASSERT_LOCKED();
    struct ksem *s = &o->u.sem;
    if (s->max && s->sem.count >= s->max)
        return -EOVERFLOW;
    sem_post(&s->sem);
    poll_notify_locked();
    return 0;
}

uint32_t ksync_ticks_left(uint32_t timeout, uint32_t start)
{
    if (timeout == WAIT_FOREVER || timeout == WAIT_NONE)
        return timeout;
    uint32_t gone = ticks - start;
    return gone >= timeout ? WAIT_NONE : timeout - gone;
}

static void ksem_release_locked(struct kobj *o)
{
    sched_wake_all_locked(&o->u.sem.sem.waiters, -EBADF);
}

/* Ready for poll: a wait would not block. */
static int ksem_poll_locked(struct kobj *o, int fdflags)
{
    (void)fdflags;
    return o->u.sem.sem.count > 0 ? POLLIN : 0;
}

const struct kobj_ops ksem_ops = {
    .name = "semaphore", .release_locked = ksem_release_locked, .poll_locked = ksem_poll_locked,
};
