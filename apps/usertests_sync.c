/*
 * usertests_sync.c: usertests' cases about the synchronisation objects.
 *
 * Course idea: the promises of kernel/ksync.h, checked from user mode:
 * a mutex's owner, RLock depth, priority inheritance through a chain,
 * deadlock refused and shown, robust mutexes after a kill; a bounded
 * semaphore; events, conditions, barriers and queues in every order;
 * every timeout exact to one tick; first come first served among equal
 * priorities; a kill of a process blocked on each kind of object; bad
 * descriptors on every call; and 1,000 create/pass/close cycles. The
 * round's leak check (memory, objects, descriptors) covers every case.
 * Read next: kernel/kmutex.c, apps/deadlock.c.
 */
#include "usertests.h"

/* ---- Helpers --------------------------------------------------------------- */

/* The priority thread tid runs at now (inherited included). */
static int prio_of(int tid)
{
    struct thread_info ti;
    for (int i = 0; threadinfo(i, &ti) == 0; i++)
        if (ti.tid == tid)
            return ti.prio;
    return -1;
}

/* Wait (a few ticks at a time) until thread tid is BLOCKED. */
static int until_blocked(int tid)
{
    struct thread_info ti;
    for (int t = 0; t < 200; t++) {
        for (int i = 0; threadinfo(i, &ti) == 0; i++)
            if (ti.tid == tid && !strcmp(thread_state_str(ti.state), "BLOCKED"))
                return 1;
        sleep_ticks(1);
    }
    return 0;
}

struct job { int a, b, r, order; uint32_t took; };
static volatile int wake_seq;

static void *lock_job(void *arg)             /* lock a, note when, unlock */
{
    struct job *j = arg;
    j->r = lock_acquire(j->a, WAIT_FOREVER);
    j->order = ++wake_seq;
    if (j->r == 0 || j->r == -EOWNERDEAD)
        lock_release(j->a);
    return NULL;
}
static void *sem_job(void *arg)
{
    struct job *j = arg;
    j->r = sem_acquire(j->a, WAIT_FOREVER);
    j->order = ++wake_seq;
    return NULL;
}
static void *hold_then_lock(void *arg)       /* hold b, then lock a */
{
    struct job *j = arg;
    lock_acquire(j->b, WAIT_FOREVER);
    j->r = lock_acquire(j->a, WAIT_FOREVER);
    if (j->r == 0)
        lock_release(j->a);
    lock_release(j->b);
    return NULL;
}
static void *hold_until_sem(void *arg)       /* hold a until sem b is posted */
{
    struct job *j = arg;
    j->r = lock_acquire(j->a, WAIT_FOREVER);
    sem_acquire(j->b, WAIT_FOREVER);
    lock_release(j->a);
    return NULL;
}

/* ---- Mutexes ----------------------------------------------------------------- */

static const char *mutex_owner_and_rlock(void)
{
    int l = lock_create(), rl = rlock_create();
    struct job j = { .a = l };
    int r1 = lock_acquire(l, WAIT_NONE), r2 = lock_acquire(l, WAIT_NONE);  /* -EDEADLK */
    int t = thread_create(lock_job, &j, 0);
    until_blocked(t);
    int r3 = lock_release(l);               /* hands it over to the waiter */
    thread_join(t, NULL, WAIT_FOREVER);
    int r4 = lock_acquire(rl, WAIT_NONE), r5 = lock_acquire(rl, WAIT_NONE);
    int r6 = lock_release(rl), r7 = lock_release(rl), r8 = lock_release(rl);
    int r9 = lock_release(l);               /* free: not ours */
    close(l), close(rl);
    return r1 == 0 && r2 == -EDEADLK && r3 == 0 && j.r == 0 && r4 == 0 && r5 == 0
           && r6 == 0 && r7 == 0 && r8 == -EPERM && r9 == -EPERM ? NULL
           : FAILMSG("lock %d twice %d, unlock %d (waiter %d); rlock %d %d, unlock %d %d %d; %d",
                     r1, r2, r3, j.r, r4, r5, r6, r7, r8, r9);
}

/* A non-owner's unlock is -EPERM, from another thread of the same process. */
static void *unlock_job(void *arg)
{
    struct job *j = arg;
    j->r = lock_release(j->a);
    return NULL;
}
static const char *mutex_non_owner(void)
{
    int l = lock_create();
    struct job j = { .a = l };
    lock_acquire(l, WAIT_FOREVER);
    thread_join(thread_create(unlock_job, &j, 0), NULL, WAIT_FOREVER);
    int r = lock_release(l);
    close(l);
    return j.r == -EPERM && r == 0 ? NULL : FAILMSG("other's unlock %d, mine %d", j.r, r);
}

/* A waits on M1 held by B, B waits on M2 held by C: C runs at A's
 * priority; when A times out, B and C come back down. */
static void *timed_lock_job(void *arg)
{
    struct job *j = arg;
    uint32_t t0 = ticks();
    j->r = lock_acquire(j->a, (uint32_t)j->b);
    j->took = ticks() - t0;
    return NULL;
}
static const char *mutex_inherit_chain(void)
{
    int m1 = lock_create(), m2 = lock_create(), go = sem_create(0);
    int me = gettid(), old = setprio(0, 2);     /* C: the caller, low */
    struct job b = { .a = m2, .b = m1 }, a = { .a = m1, .b = 30 };
    lock_acquire(m2, WAIT_FOREVER);
    int tb = thread_create(hold_then_lock, &b, 0);
    setprio(tb, 4);
    until_blocked(tb);                          /* B holds m1, waits for m2 */
    int pb = prio_of(me);
    int ta = thread_create(timed_lock_job, &a, 0);
    setprio(ta, 6);
    until_blocked(ta);
    int pa = prio_of(me), pab = prio_of(tb);
    struct lock_info li[8];
    int n = locks(li, 8), edges = 0;
    for (int i = 0; i < n; i++)
        edges += (li[i].tid == ta && li[i].owner_tid == tb) || (li[i].tid == tb && li[i].owner_tid == me);
    thread_join(ta, NULL, WAIT_FOREVER);        /* A gives up after 30 ticks */
    int after = prio_of(me), bafter = prio_of(tb);
    lock_release(m2);
    int end = prio_of(me);
    thread_join(tb, NULL, WAIT_FOREVER);
    setprio(0, old);
    close(m1), close(m2), close(go);
    return pb == 4 && pa == 6 && pab == 6 && edges == 2 && a.r == -ETIMEDOUT && after == 4
           && bafter == 4 && end == 2 && b.r == 0 ? NULL
           : FAILMSG("C at %d after B, %d after A (B %d), edges %d; A %d; then C %d B %d, end %d",
                     pb, pa, pab, edges, a.r, after, bafter, end);
}

/* AB-BA: the second lock that would close the cycle is refused at once. */
static const char *mutex_deadlock(void)
{
    int A = lock_create(), B = lock_create();
    struct job j = { .a = A, .b = B };
    lock_acquire(A, WAIT_FOREVER);
    int t = thread_create(hold_then_lock, &j, 0);   /* holds B, waits for A */
    until_blocked(t);
    struct trace_entry tr[32];
    int ntr = trace(tr, 32), traced = 0;            /* its block shows as "lock" */
    for (int i = 0; i < ntr; i++)
        traced += tr[i].tid == t && !strcmp(trace_why_str(tr[i].why), "lock");
    uint32_t t0 = ticks();
    int r = lock_acquire(B, WAIT_FOREVER);
    uint32_t took = ticks() - t0;
    lock_release(A);
    thread_join(t, NULL, WAIT_FOREVER);
    close(A), close(B);
    return r == -EDEADLK && took == 0 && j.r == 0 && traced == 1 ? NULL
           : FAILMSG("lock %d after %lu ticks, other %d, traced %d", r, (unsigned long)took,
                     j.r, traced);
}

/* A holder killed: the waiter, and later lockers, are told. */
static const char *mutex_owner_dies(void)
{
    int l = lock_create(), ev = event_create(), status = -1;
    struct spawn_fd map[] = { { l, 3 }, { ev, 4 }, { -1, -1 } };
    char *argv[] = { "userchild", "holdmutex", NULL };
    int pid = sys_spawn("userchild", argv, 0, map);
    int got = event_wait(ev, CHILD_TIMEOUT);
    struct job w = { .a = l };
    int t = thread_create(lock_job, &w, 0);     /* waits; gets -EOWNERDEAD */
    until_blocked(t);
    kill(pid);
    wait(pid, &status, CHILD_TIMEOUT);
    thread_join(t, NULL, WAIT_FOREVER);         /* it unlocked unrepaired */
    int r1 = lock_acquire(l, WAIT_NONE);
    /* Again, repaired this time. */
    int l2 = lock_create();
    struct spawn_fd map2[] = { { l2, 3 }, { -1, -1 } };
    char *argv2[] = { "userchild", "exitholding", NULL };
    int pid2 = sys_spawn("userchild", argv2, 0, map2), status2 = -1;
    wait(pid2, &status2, CHILD_TIMEOUT);
    int r2 = lock_acquire(l2, WAIT_NONE), r3 = mutex_consistent(l2), r4 = lock_release(l2);
    int r5 = lock_acquire(l2, WAIT_NONE), r6 = lock_release(l2);
    close(l), close(ev), close(l2);
    return got == 0 && status == WSTATUS_KILLED && w.r == -EOWNERDEAD && r1 == -ENOTRECOVERABLE
           && status2 == 0 && r2 == -EOWNERDEAD && r3 == 0 && r4 == 0 && r5 == 0 && r6 == 0 ? NULL
           : FAILMSG("event %d, child 0x%x, waiter %d, then %d; exit 0x%x: %d %d %d %d %d",
                     got, status, w.r, r1, status2, r2, r3, r4, r5, r6);
}

/* A process killed in cond_wait takes the free mutex back (POSIX's
 * cancellation does) and dies holding it: the next owner is told. */
static const char *cond_wait_killed(void)
{
    int l = lock_create(), c = cond_create(), status = -1;
    struct spawn_fd map[] = { { l, 3 }, { c, 4 }, { -1, -1 } };
    char *argv[] = { "userchild", "condwait", NULL };
    int pid = sys_spawn("userchild", argv, 0, map);
    sleep_ticks(5);                     /* it waits on c, l is free */
    int before = lock_acquire(l, WAIT_NONE);
    if (before == 0)
        lock_release(l);
    kill(pid);
    wait(pid, &status, CHILD_TIMEOUT);
    int after = lock_acquire(l, WAIT_NONE), fixed = mutex_consistent(l);
    lock_release(l);
    close(l), close(c);
    return before == 0 && status == WSTATUS_KILLED && after == -EOWNERDEAD && fixed == 0 ? NULL
           : FAILMSG("free while it waits %d, child 0x%x, then %d (consistent %d)", before,
                     status, after, fixed);
}

/* ---- Semaphores, events, conditions, barriers, queues --------------------- */

static const char *sem_bounded(void)
{
    int s = bounded_sem_create(2), u = sem_create(0);
    int r1 = sem_release(s), r2 = sem_acquire(s, WAIT_NONE), r3 = sem_release(s);
    int r4 = sem_release(s), r5 = sem_release(u), bad = sem_create_max(3, 2);
    close(s), close(u);
    return r1 == -EOVERFLOW && r2 == 0 && r3 == 0 && r4 == -EOVERFLOW && r5 == 0 && bad == -EINVAL
           ? NULL : FAILMSG("%d %d %d %d %d %d", r1, r2, r3, r4, r5, bad);
}

static void *event_job(void *arg)
{
    struct job *j = arg;
    j->r = event_wait(j->a, WAIT_FOREVER);
    j->order = ++wake_seq;
    return NULL;
}
static const char *event_many(void)
{
    int e = event_create();
    struct job j[4];
    int t[4];
    for (int i = 0; i < 4; i++) {
        j[i] = (struct job){ .a = e, .r = 1 };
        t[i] = thread_create(event_job, &j[i], 0);
    }
    until_blocked(t[3]);
    int before = event_is_set(e);
    event_set(e);
    int woken = 0;
    for (int i = 0; i < 4; i++)
        thread_join(t[i], NULL, WAIT_FOREVER), woken += j[i].r == 0;
    int at_once = event_wait(e, WAIT_NONE);
    event_clear(e);
    int cleared = event_is_set(e), timed = event_wait(e, WAIT_NONE);
    close(e);
    return before == 0 && woken == 4 && at_once == 0 && cleared == 0 && timed == -ETIMEDOUT ? NULL
           : FAILMSG("before %d woken %d at once %d cleared %d timed %d", before, woken, at_once,
                     cleared, timed);
}

/* notify(1) wakes one, notify_all the rest; each returns holding the lock. */
static void *cond_job(void *arg)
{
    struct job *j = arg;
    lock_acquire(j->b, WAIT_FOREVER);
    j->r = cond_wait(j->a, j->b, WAIT_FOREVER);
    j->order = ++wake_seq;
    int held = lock_release(j->b) == 0;     /* it held the lock again */
    j->r = j->r == 0 && held ? 0 : -1;
    return NULL;
}
static const char *cond_notify_order(void)
{
    int c = cond_create(), l = lock_create();
    struct job j[3];
    int t[3];
    wake_seq = 0;
    for (int i = 0; i < 3; i++) {
        j[i] = (struct job){ .a = c, .b = l, .r = 1 };
        t[i] = thread_create(cond_job, &j[i], 0);
        until_blocked(t[i]);
    }
    int n1 = cond_notify(c, 1);
    sleep_ticks(2);
    int first = j[0].order, n2 = cond_notify_all(c);
    for (int i = 0; i < 3; i++)
        thread_join(t[i], NULL, WAIT_FOREVER);
    int notowner = cond_wait(c, l, WAIT_NONE);
    close(c), close(l);
    return n1 == 1 && first == 1 && n2 == 2 && j[0].r == 0 && j[1].r == 0 && j[2].r == 0
           && notowner == -EPERM ? NULL
           : FAILMSG("notify %d first %d all %d results %d %d %d, not owner %d", n1, first, n2,
                     j[0].r, j[1].r, j[2].r, notowner);
}

static void *barrier_job(void *arg)
{
    struct job *j = arg;
    j->r = barrier_wait(j->a, (uint32_t)j->b);
    return NULL;
}
static const char *barrier_rounds(void)
{
    int b = barrier_create(3);
    struct job j[2] = { { .a = b, .b = WAIT_FOREVER }, { .a = b, .b = WAIT_FOREVER } };
    int seen = 0;
    for (int round = 0; round < 2; round++) {
        int t0 = thread_create(barrier_job, &j[0], 0);
        until_blocked(t0);
        int t1 = thread_create(barrier_job, &j[1], 0);
        until_blocked(t1);
        int mine = barrier_wait(b, WAIT_FOREVER);
        thread_join(t0, NULL, WAIT_FOREVER), thread_join(t1, NULL, WAIT_FOREVER);
        seen += mine == 2 && j[0].r == 0 && j[1].r == 1;
    }
    /* A party times out: the other waiter and later arrivals see it broken. */
    struct job w = { .a = b, .b = WAIT_FOREVER };
    int t = thread_create(barrier_job, &w, 0);
    until_blocked(t);
    int timed = barrier_wait(b, 3);
    thread_join(t, NULL, WAIT_FOREVER);
    int later = barrier_wait(b, WAIT_NONE), reset = barrier_reset(b);
    int bad = barrier_create(0);
    close(b);
    return seen == 2 && timed == -ETIMEDOUT && w.r == -EPIPE && later == -EPIPE && reset == 0
           && bad == -EINVAL ? NULL
           : FAILMSG("rounds %d, timed %d other %d later %d reset %d bad %d", seen, timed, w.r,
                     later, reset, bad);
}

static const char *queue_orders(void)
{
    static const char *names[] = { "FIFO", "LIFO", "PRIO" };
    static const int prios[] = { 5, 1, 5, 0, 9 }, want[3][5] = {
        { 10, 11, 12, 13, 14 }, { 14, 13, 12, 11, 10 }, { 13, 11, 10, 12, 14 } };
    for (int order = QUEUE_FIFO; order <= QUEUE_PRIO; order++) {
        int q = queue_create(sizeof(int), 5, order), v, full = 0, got[5] = { 0 };
        for (int i = 0; i < 5; i++)
            v = 10 + i, queue_put(q, &v, prios[i], WAIT_NONE);
        full = queue_put_nowait(q, &v);
        int size = queue_size(q);
        for (int i = 0; i < 5; i++)
            queue_get(q, &got[i], WAIT_NONE);
        int empty = queue_get_nowait(q, &v);
        close(q);
        if (full != -ETIMEDOUT || size != 5 || empty != -ETIMEDOUT || memcmp(got, want[order], sizeof got))
            return FAILMSG("%s: full %d size %d empty %d got %d %d %d %d %d", names[order], full,
                           size, empty, got[0], got[1], got[2], got[3], got[4]);
    }
    int bad1 = queue_create(0, 4, 0), bad2 = queue_create(QUEUE_ITEM_MAX + 1, 1, 0);
    int bad3 = queue_create(4, 4, 7), bad4 = queue_create(64, 64, 0);
    return bad1 == -EINVAL && bad2 == -EINVAL && bad3 == -EINVAL && bad4 == -EINVAL ? NULL
           : FAILMSG("bad creates %d %d %d %d", bad1, bad2, bad3, bad4);
}

static void *worker_job(void *arg)           /* get, then task_done, a items */
{
    struct job *j = arg;
    int v;
    for (int i = 0; i < j->b; i++)
        if (queue_get(j->a, &v, WAIT_FOREVER) == 0)
            sleep_ticks(1), queue_task_done(j->a), j->r += v;
    return NULL;
}
static const char *queue_join_done(void)
{
    int q = queue_create(sizeof(int), 2, QUEUE_FIFO);
    struct job w = { .a = q, .b = 6 };
    int t = thread_create(worker_job, &w, 0);
    for (int v = 1; v <= 6; v++)
        queue_put(q, &v, 0, WAIT_FOREVER);
    int j = queue_join(q, WAIT_FOREVER), sum = w.r;   /* done, not just taken */
    thread_join(t, NULL, WAIT_FOREVER);
    int extra = queue_task_done(q), bad = queue_get(q, NULL, WAIT_NONE);
    close(q);
    return j == 0 && sum == 21 && extra == -EINVAL && bad == -EFAULT ? NULL
           : FAILMSG("join %d sum %d extra %d bad buffer %d", j, sum, extra, bad);
}

/* ---- Every timeout exact; FIFO among equals ------------------------------- */

static const char *timeouts_exact(void)
{
    int s = sem_create(0), l = lock_create(), e = event_create(), c = cond_create();
    int m = lock_create(), b = barrier_create(2), q = queue_create(4, 1, 0), go = sem_create(0);
    struct job h = { .a = l, .b = go };
    int t = thread_create(hold_until_sem, &h, 0), v = 0;
    until_blocked(t);
    lock_acquire(m, WAIT_FOREVER);
    for (uint32_t n = 1; n <= 20; n += 19) {
        const char *what[8] = { "sem", "lock", "event", "cond", "barrier", "get", "put", "join" };
        int r[8];
        uint32_t took[8];
        for (int k = 0; k < 8; k++) {
            if (k == 6)
                queue_put(q, &v, 0, WAIT_NONE);     /* full now */
            if (k == 4)
                barrier_reset(b);
            sleep_ticks(1);                         /* start on a tick boundary */
            uint32_t t0 = ticks();
            r[k] = k == 0 ? sem_acquire(s, n) : k == 1 ? lock_acquire(l, n) : k == 2 ? event_wait(e, n)
                 : k == 3 ? cond_wait(c, m, n) : k == 4 ? barrier_wait(b, n)
                 : k == 5 ? queue_get(q, &v, n) : k == 6 ? queue_put(q, &v, 0, n) : queue_join(q, n);
            took[k] = ticks() - t0;
            if (k == 7)
                queue_get(q, &v, WAIT_NONE), queue_task_done(q);
        }
        for (int k = 0; k < 8; k++)
            if (r[k] != -ETIMEDOUT || took[k] < n || took[k] > n + 1)
                return FAILMSG("%s(%lu ticks): %d after %lu", what[k], (unsigned long)n, r[k],
                               (unsigned long)took[k]);
    }
    /* A timeout the timer cannot order (>= 2^31 ticks, not WAIT_FOREVER). */
    uint32_t huge = 0x80000000u;
    long bad[] = { sem_acquire(s, huge), lock_acquire(l, huge), event_wait(e, huge),
                   cond_wait(c, m, huge), barrier_wait(b, huge), queue_get(q, &v, huge),
                   queue_put(q, &v, 0, huge), queue_join(q, huge) };
    for (int k = 0; k < 8; k++)
        if (bad[k] != -EINVAL)
            return FAILMSG("call %d with a timeout of 2^31 ticks gave %ld", k, bad[k]);
    int held = lock_release(m);                     /* cond_wait took it back */
    sem_release(go);
    thread_join(t, NULL, WAIT_FOREVER);
    close(s), close(l), close(e), close(c), close(m), close(b), close(q), close(go);
    return held == 0 ? NULL : "cond_wait did not take its mutex back after a timeout";
}

static const char *fifo_among_equals(void)
{
    int s = sem_create(0), l = lock_create();
    struct job js[3], jl[3];
    int ts[3], tl[3];
    lock_acquire(l, WAIT_FOREVER);
    for (int i = 0; i < 3; i++) {
        js[i] = (struct job){ .a = s }, jl[i] = (struct job){ .a = l };
        ts[i] = thread_create(sem_job, &js[i], 0);
        until_blocked(ts[i]);
        tl[i] = thread_create(lock_job, &jl[i], 0);
        until_blocked(tl[i]);
    }
    wake_seq = 0;
    for (int i = 0; i < 3; i++)
        sem_release(s);
    for (int i = 0; i < 3; i++)
        thread_join(ts[i], NULL, WAIT_FOREVER);
    int sem_ok = js[0].order == 1 && js[1].order == 2 && js[2].order == 3;
    wake_seq = 0;
    lock_release(l);
    for (int i = 0; i < 3; i++)
        thread_join(tl[i], NULL, WAIT_FOREVER);
    int lock_ok = jl[0].order == 1 && jl[1].order == 2 && jl[2].order == 3;
    close(s), close(l);
    return sem_ok && lock_ok ? NULL
           : FAILMSG("sem order %d %d %d, lock order %d %d %d", js[0].order, js[1].order,
                     js[2].order, jl[0].order, jl[1].order, jl[2].order);
}

void test_sync(void)
{
    judge("mutex: owner, Lock twice, RLock", mutex_owner_and_rlock());
    judge("mutex: unlock by another thread", mutex_non_owner());
    judge("mutex: inheritance through a chain, undone", mutex_inherit_chain());
    judge("mutex: AB-BA refused with -EDEADLK", mutex_deadlock());
    judge("mutex: owner killed, -EOWNERDEAD", mutex_owner_dies());
    judge("semaphore: bounded", sem_bounded());
    judge("event: one set, many woken", event_many());
    judge("condition: notify and notify_all", cond_notify_order());
    judge("condition: killed in wait, mutex retaken", cond_wait_killed());
    judge("barrier: rounds, broken by a timeout", barrier_rounds());
    judge("queue: FIFO, LIFO, priority", queue_orders());
    judge("queue: task_done and join", queue_join_done());
    judge("sync: every timeout exact", timeouts_exact());
    judge("sync: FIFO among equal priorities", fifo_among_equals());
    test_sync_failures();
}
