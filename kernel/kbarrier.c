/*
 * kbarrier.c: the barrier object: Python's threading.Barrier.
 *
 * Course idea: N parties meet; none passes until all have arrived. The
 * last to arrive releases the others and starts a new round, so the same
 * barrier serves a loop of phases. If a party gives up (its timeout) or is
 * killed, the others would wait for ever: the barrier breaks instead, and
 * every waiter, and every later arrival until reset(), gets -EPIPE
 * (Python's BrokenBarrierError).
 * Invariant: `arrived` threads of this round are in `waiters` (or were
 * woken by a timeout or a kill and have not run yet), arrived < parties.
 * Read next: apps/events.c.
 */
#include "ksync.h"

#include "errno.h"
#include "kobj.h"
#include "panic.h"
#include "sched.h"
#include "state.h"

#define B(o) (&(o)->u.barrier)

static void break_locked(struct kbarrier *b)
{
    b->broken = 1;
    b->arrived = 0;
    sched_wake_all_locked(&b->waiters, -EPIPE);
}

/* Returns the caller's arrival index: 0 for the first, parties-1 for the
 * one that releases the rest (Python's wait() returns a distinct index). */
int kbarrier_wait_locked(struct kobj *o, uint32_t timeout)
{
    ASSERT_LOCKED();
    struct kbarrier *b = B(o);
    if (b->broken)
        return -EPIPE;
    int index = b->arrived++;
    if (b->arrived == b->parties) {             /* the last: everyone passes */
        b->arrived = 0;
        b->round++;
        sched_wake_all_locked(&b->waiters, 0);
        return index;
    }
    uint32_t serial = o->serial, round = b->round;
    int r = sched_block_locked(&b->waiters, timeout, WHY_WAIT);
    if (r == 0)
        return index;
    /* Timed out or killed: this round can never complete. Unless the
     * object went, or the round tripped or broke before we ran again. */
    if (r != -EBADF && o->serial == serial && b->round == round && !b->broken)
        break_locked(b);
    return r;
}

/* Python's reset(): waiters of the current round get -EPIPE, and the
 * barrier is whole again. */
int kbarrier_reset_locked(struct kobj *o)
{
    ASSERT_LOCKED();
    break_locked(B(o));
    B(o)->broken = 0;
    B(o)->round++;
    return 0;
}

static void kbarrier_release_locked(struct kobj *o)
{
    sched_wake_all_locked(&B(o)->waiters, -EBADF);
}

const struct kobj_ops kbarrier_ops = {
    .name = "barrier", .release_locked = kbarrier_release_locked,
};
