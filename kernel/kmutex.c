/*
 * kmutex.c: the mutex object: Lock and RLock, with an owner, priority
 * inheritance, deadlock detection and robustness.
 *
 * Course idea: a mutex is a semaphore of one unit that remembers who took
 * it, and that knowledge buys four things:
 *   - only the owner may unlock (-EPERM), and an RLock counts its owner's
 *     nested holds (depth);
 *   - priority inheritance: a thread waiting for a mutex lends its priority
 *     to the owner, and through the owner to whatever the owner waits for
 *     (transitive: A waits on M1 held by B, B waits on M2 held by C, so C
 *     runs at A's priority). A thread's priority is always
 *         max(its base priority, the first waiter of each mutex it holds)
 *     and it is recomputed from that rule (pi_update_locked) whenever a
 *     waiter leaves: handed the mutex, timed out, killed;
 *   - deadlock detection: "t waits for mutex m, held by u" is an edge of
 *     the wait-for graph. A lock that would close a cycle (the walk from
 *     the owner along the edges comes back to the caller) fails at once
 *     with -EDEADLK instead of sleeping for ever; SYS_LOCKS shows the edges;
 *   - robustness: a thread that ends holding a mutex (its process killed)
 *     passes it on with -EOWNERDEAD, and the new owner repairs the data and
 *     calls kmutex_consistent_locked; unlocking it unrepaired makes it
 *     unusable (-ENOTRECOVERABLE), as POSIX says.
 * The unlocking thread hands the mutex to the first waiter itself (owner =
 * that waiter) so nobody can barge in between the wake-up and its run.
 *
 * Invariant: a mutex with waiters has an owner; an owned mutex has depth
 * >= 1 and is on its owner's held_mutexes list (set_owner_locked); t->prio == max(t->base_prio, first waiters' prio of the inheriting
 * mutexes t owns), except under mlfq, which may run a thread lower.
 * Locking: interrupts masked (ASSERT_LOCKED), blocking from depth 1.
 * Read next: kernel/kcond.c (a mutex released and retaken around a wait).
 */
#include "ksync.h"

#include "errno.h"
#include "kobj.h"
#include "panic.h"
#include "proc.h"
#include "sched.h"
#include "sched_policy.h"
#include "state.h"
#include "uapi.h"

#define M(o) (&(o)->u.mutex)

void kmutex_init(struct kmutex *m, int flags)
{
    m->owner = NULL;
    list_init(&m->held_link);
    waitq_init(&m->waiters);
    m->depth = 0;
    m->flags = (uint8_t)flags;
    m->state = KMUTEX_CONSISTENT;
}

/* ---- The wait-for graph and priority inheritance ------------------------- */

/* The mutex t is blocked on, or NULL: one edge of the wait-for graph. */
static struct kobj *kmutex_waited_by(const struct thread *t)
{
    struct kobj *o = t->mutex_wait;
    if (!o || t->state != TS_BLOCKED || o->type != KOBJ_MUTEX ||
        t->waiting_on != &M(o)->waiters)
        return NULL;                /* it stopped waiting, or never did */
    return o;
}

static int first_waiter_prio(const struct kmutex *m)
{
    if (waitq_empty(&m->waiters))
        return 0;
    return container_of(m->waiters.threads.next, struct thread, link)->prio;
}

/* The one way a mutex changes owner: it leaves the old owner's list of
 * held mutexes and joins the new one's. */
static void set_owner_locked(struct kmutex *m, struct thread *t, uint16_t depth)
{
    if (m->owner)
        list_remove(&m->held_link);
    m->owner = t;
    m->depth = depth;
    if (t)
        list_push_back(&t->held_mutexes, &m->held_link);
}

/* The priority t is owed: its own, or more if it holds what others want. */
static int owed_prio_locked(const struct thread *t)
{
    int p = t->base_prio;
    list_for_each(pos, &t->held_mutexes) {
        const struct kmutex *m = container_of(pos, struct kmutex, held_link);
        int w = m->flags & MUTEX_NOINHERIT ? 0 : first_waiter_prio(m);
        p = w > p ? w : p;
    }
    return p;
}

/* A blocked thread whose priority changed moves to its new place in the
 * wait queue, so that the most urgent waiter stays first. */
static void resort_locked(struct waitq *q, struct thread *t)
{
    list_remove(&t->link);
    struct list *pos = q->threads.next;
    while (pos != &q->threads && container_of(pos, struct thread, link)->prio >= t->prio)
        pos = pos->next;
    list_insert_before(pos, &t->link);
}

/* Set t's running priority to p and follow the chain: if t itself waits
 * for a mutex, its place in that queue and that owner's priority change
 * too. Returns the next thread of the chain whose priority may change. */
static void note_inherited(struct thread *t, int p)
{
    t->pi_prio = (uint8_t)(p > t->base_prio ? p : 0);
}

static struct thread *set_prio_locked(struct thread *t, int p)
{
    note_inherited(t, p);
    sched_requeue_locked(t, p);
    struct kobj *o = kmutex_waited_by(t);
    if (!o)
        return NULL;
    resort_locked(&M(o)->waiters, t);
    return M(o)->flags & MUTEX_NOINHERIT ? NULL : M(o)->owner;
}

/* A waiter of priority p is about to block for a mutex t holds: t, and
 * everyone t waits for in turn, run at p at least. (Raising before the
 * waiter is queued gives what pi_update_locked would compute after.) */
static void pi_raise_locked(struct thread *t, int p)
{
    for (int n = 0; t && t->prio < p && n < MAX_THREADS; n++)
        t = set_prio_locked(t, p);
}

/* Recompute t's priority from the rule, and pass changes along. */
static void pi_update_locked(struct thread *t)
{
    for (int n = 0; t && n < MAX_THREADS; n++) {
        int p = owed_prio_locked(t);
        note_inherited(t, p);
        if (p == t->prio)
            break;
        t = set_prio_locked(t, p);
    }
    sched_reschedule_locked();
}

void kmutex_set_base_prio_locked(struct thread *t, int prio)
{
    ASSERT_LOCKED();
    t->base_prio = (uint8_t)prio;
    pi_update_locked(t);
}

/* Would the caller waiting for a mutex held by `owner` close a cycle? The
 * walk is bounded: a chain has at most one edge per thread. */
static int closes_cycle(struct thread *owner)
{
    struct thread *t = owner;
    for (int n = 0; t && n < MAX_THREADS; n++) {
        if (t == current)
            return 1;
        struct kobj *o = kmutex_waited_by(t);
        t = o ? M(o)->owner : NULL;
    }
    return 0;
}

/* ---- Lock and unlock ---------------------------------------------------- */

/* The mutex passes to its first waiter, woken with `result` (0 or
 * -EOWNERDEAD), or becomes free. The new owner inherits from the rest. */
static void pass_on_locked(struct kobj *o, int result)
{
    struct kmutex *m = M(o);
    struct thread *next = sched_wake_one_locked(&m->waiters, result);
    set_owner_locked(m, next, next ? 1 : 0);
    if (!next) {
        poll_notify_locked();       /* free now */
        return;
    }
    next->mutex_wait = NULL;
    if (!(m->flags & MUTEX_NOINHERIT))
        pi_raise_locked(next, first_waiter_prio(m));
}

/* Block for o, held by someone else. The waiter lends its priority first;
 * if it leaves without the mutex (timeout, kill) it takes the loan back,
 * unless the object it slept on is gone (a different serial). */
static int wait_for_locked(struct kobj *o, uint32_t timeout)
{
    struct kmutex *m = M(o);
    uint32_t serial = o->serial;

    if (current->kill_pending)
        return -EINTR;
    if (timeout == WAIT_NONE)
        return -ETIMEDOUT;
    if (!(m->flags & MUTEX_NOINHERIT))
        pi_raise_locked(m->owner, current->prio);
    current->mutex_wait = o;
    int r = sched_block_locked(&m->waiters, timeout, WHY_LOCK);
    current->mutex_wait = NULL;
    if ((r == -ETIMEDOUT || r == -EINTR) && o->serial == serial && m->owner)
        pi_update_locked(m->owner);
    return r;                       /* 0 or -EOWNERDEAD: handed over */
}

int kmutex_lock_locked(struct kobj *o, uint32_t timeout)
{
    ASSERT_LOCKED();
    struct kmutex *m = M(o);

    if (m->owner == current) {
        if (!(m->flags & MUTEX_RECURSIVE))
            return -EDEADLK;        /* a Lock taken twice waits for ever */
        if (m->depth == UINT16_MAX)
            return -EAGAIN;
        m->depth++;
        return 0;
    }
    if (m->state == KMUTEX_NOTRECOVERABLE)
        return -ENOTRECOVERABLE;
    if (!m->owner) {
        set_owner_locked(m, current, 1);
        return m->state == KMUTEX_OWNERDEAD ? -EOWNERDEAD : 0;
    }
    if (closes_cycle(m->owner))
        return -EDEADLK;
    return wait_for_locked(o, timeout);
}

int kmutex_unlock_locked(struct kobj *o)
{
    ASSERT_LOCKED();
    struct kmutex *m = M(o);

    if (m->owner != current)
        return -EPERM;
    if (m->depth > 1) {
        m->depth--;
        return 0;
    }
    if (m->state == KMUTEX_OWNERDEAD) {     /* never repaired: give up on it */
        m->state = KMUTEX_NOTRECOVERABLE;
        set_owner_locked(m, NULL, 0);
        sched_wake_all_locked(&m->waiters, -ENOTRECOVERABLE);
    } else {
        pass_on_locked(o, 0);
    }
    if (current->prio > current->base_prio)
        pi_update_locked(current);  /* what it still holds decides now */
    return 0;
}

int kmutex_consistent_locked(struct kobj *o)
{
    ASSERT_LOCKED();
    struct kmutex *m = M(o);
    if (m->owner != current || m->state != KMUTEX_OWNERDEAD)
        return -EINVAL;
    m->state = KMUTEX_CONSISTENT;
    return 0;
}

void kmutex_thread_ended_locked(struct thread *t)
{
    ASSERT_LOCKED();
    while (!list_empty(&t->held_mutexes)) {     /* pass_on takes each off */
        struct kmutex *m = container_of(t->held_mutexes.next, struct kmutex, held_link);
        m->state = KMUTEX_OWNERDEAD;
        pass_on_locked(container_of(m, struct kobj, u.mutex), -EOWNERDEAD);
    }
    t->mutex_wait = NULL;
}

/* ---- For condition variables (kernel/kcond.c) ----------------------------- */

int kmutex_release_for_wait_locked(struct kobj *o, uint16_t *depth)
{
    ASSERT_LOCKED();
    if (M(o)->owner != current)
        return -EPERM;
    *depth = M(o)->depth;
    M(o)->depth = 1;
    return kmutex_unlock_locked(o);
}

int kmutex_reacquire_locked(struct kobj *o, uint32_t serial, uint16_t depth, uint32_t timeout)
{
    ASSERT_LOCKED();
    if (o->serial != serial || o->type != KOBJ_MUTEX)
        return -EBADF;              /* closed while we waited */
    int r = kmutex_lock_locked(o, timeout);
    if (r == 0 || r == -EOWNERDEAD)
        M(o)->depth = depth;
    return r;
}

/* ---- The lock report (SYS_LOCKS) ------------------------------------------ */

/* One entry per thread blocked on a mutex: the edges of the wait-for
 * graph, so a cycle, or a long chain, can be seen. */
int kmutex_report_locked(struct lock_info *out, int max)
{
    ASSERT_LOCKED();
    int n = 0;
    for (int i = 0; i < MAX_THREADS && n < max; i++) {
        struct thread *t = &thread_table[i];
        struct kobj *o = t->in_use ? kmutex_waited_by(t) : NULL;
        if (!o)
            continue;
        struct thread *u = M(o)->owner;
        out[n] = (struct lock_info){
            .tid = t->id, .pid = t->proc ? t->proc->pid : 0, .prio = t->prio,
            .mutex = kobj_index(o), .owner_tid = u ? u->id : 0,
            .owner_pid = u && u->proc ? u->proc->pid : 0, .owner_prio = u ? u->prio : 0,
        };
        n++;
    }
    return n;
}

/* ---- The type's operations ------------------------------------------------ */

/* The last descriptor went: waiters get -EBADF; the owner keeps nothing
 * of theirs (its loaned priority is recomputed without them). */
static void kmutex_release_locked(struct kobj *o)
{
    struct thread *owner = M(o)->owner;
    sched_wake_all_locked(&M(o)->waiters, -EBADF);
    set_owner_locked(M(o), NULL, 0);
    if (owner && owner->prio > owner->base_prio)
        pi_update_locked(owner);
}

/* Ready for poll: a lock would not block. */
static int kmutex_poll_locked(struct kobj *o, int fdflags)
{
    (void)fdflags;
    return M(o)->owner == NULL ? POLLIN : 0;
}

const struct kobj_ops kmutex_ops = {
    .name = "mutex", .release_locked = kmutex_release_locked, .poll_locked = kmutex_poll_locked,
};
