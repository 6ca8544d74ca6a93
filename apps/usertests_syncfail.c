/*
 * usertests_syncfail.c: the synchronisation objects when things go wrong:
 * a process killed while blocked on each kind of object, every call handed
 * a descriptor of every other kind, and 1,000 create/pass/close cycles
 * that must leave nothing behind.
 *
 * Course idea: an object outlives a killed waiter and wakes no one wrongly;
 * a wrong descriptor is -EBADF, never another object's operation.
 * Read next: apps/usertests_sync.c, kernel/sys_kobj.c.
 */
#include "usertests.h"

/* ---- Kills, bad descriptors, cycles ----------------------------------------- */

/* A child blocked on each kind of object is killed; the object lives on,
 * usable (a barrier is broken by it, as Python's is by an abort). */
static const char *kill_blocked(void)
{
    static char *kinds[] = { "sem", "mutex", "event", "cond", "barrier", "qget", "qput", "qjoin" };
    for (int k = 0; k < 8; k++) {
        int v = 0, o = k == 0 ? sem_create(0) : k == 1 ? lock_create() : k == 2 ? event_create()
                : k == 3 ? cond_create() : k == 4 ? barrier_create(2)
                : queue_create(4, 1, QUEUE_FIFO);
        if (k == 1)
            lock_acquire(o, WAIT_FOREVER);
        if (k >= 6)
            queue_put(o, &v, 0, WAIT_NONE);         /* full; one unfinished */
        struct spawn_fd map[] = { { o, 3 }, { -1, -1 } };
        char *argv[] = { "userchild", "block", kinds[k], NULL };
        int status = -1, pid = sys_spawn("userchild", argv, 0, map);
        sleep_ticks(5);
        int kr = kill(pid), w = wait(pid, &status, CHILD_TIMEOUT);
        int after = k == 1 ? lock_release(o) : k == 4 ? barrier_wait(o, WAIT_NONE) : 0;
        close(o);
        if (kr != 0 || w != pid || status != WSTATUS_KILLED || after != (k == 4 ? -EPIPE : 0))
            return FAILMSG("%s: kill %d wait %d status 0x%x after %d", kinds[k], kr, w, status, after);
    }
    return NULL;
}

/* Every call, on a descriptor of every other kind (each object, a pipe's
 * two ends, the console, a shared-memory segment), a closed one, -1 and
 * one out of range: all -EBADF. kind[] says which object a call is for. */
enum { K_SEM, K_MUTEX, K_EVENT, K_COND, K_BARRIER, K_QUEUE, K_OTHER };
static const int call_kind[] = { K_SEM, K_SEM, K_MUTEX, K_MUTEX, K_MUTEX, K_EVENT, K_EVENT,
                                 K_EVENT, K_EVENT, K_COND, K_COND, K_BARRIER, K_BARRIER,
                                 K_QUEUE, K_QUEUE, K_QUEUE, K_QUEUE, K_QUEUE };
#define NCALLS ((int)(sizeof call_kind / sizeof call_kind[0]))

static long sync_call(int k, int d, int m)
{
    int v = 0;
    switch (k) {
    case 0: return sem_acquire(d, WAIT_NONE);
    case 1: return sem_release(d);
    case 2: return lock_acquire(d, WAIT_NONE);
    case 3: return lock_release(d);
    case 4: return mutex_consistent(d);
    case 5: return event_set(d);
    case 6: return event_clear(d);
    case 7: return event_is_set(d);
    case 8: return event_wait(d, WAIT_NONE);
    case 9: return cond_wait(d, m, WAIT_NONE);
    case 10: return cond_notify(d, 1);
    case 11: return barrier_wait(d, WAIT_NONE);
    case 12: return barrier_reset(d);
    case 13: return queue_put(d, &v, 0, WAIT_NONE);
    case 14: return queue_get(d, &v, WAIT_NONE);
    case 15: return queue_task_done(d);
    case 16: return queue_join(d, WAIT_NONE);
    default: return queue_size(d);
    }
}

static const char *bad_descriptors(void)
{
    int p[2], closed = event_create(), m = lock_create();
    sys_pipe(p, 0);
    close(closed);
    int objs[] = { sem_create(0), lock_create(), event_create(), cond_create(), barrier_create(2),
                   queue_create(4, 1, QUEUE_FIFO), p[0], p[1], 1, shm_create(16), closed, -1,
                   1 << 20 };
    int kinds[] = { K_SEM, K_MUTEX, K_EVENT, K_COND, K_BARRIER, K_QUEUE, K_OTHER, K_OTHER,
                    K_OTHER, K_OTHER, K_OTHER, K_OTHER, K_OTHER };
    const char *why = NULL;
    for (unsigned i = 0; i < sizeof objs / sizeof objs[0] && !why; i++)
        for (int k = 0; k < NCALLS && !why; k++) {
            if (call_kind[k] == kinds[i])
                continue;
            long r = sync_call(k, objs[i], m);
            if (r != -EBADF)
                why = FAILMSG("descriptor %d (object %u): call %d gave %ld", objs[i], i, k, r);
        }
    int c = cond_create();
    int wrongm = cond_wait(c, p[1], WAIT_NONE), nolocks = locks(NULL, 4);
    for (int i = 0; i < 6; i++)
        close(objs[i]);
    close(objs[9]), close(c), close(p[0]), close(p[1]), close(m);
    if (why)
        return why;
    return wrongm == -EBADF && nolocks == -EFAULT ? NULL
           : FAILMSG("cond_wait with a pipe as mutex %d; locks(NULL) %d", wrongm, nolocks);
}

/* 1,000 times: one of each, passed on (dup, and every 50th to a child
 * that uses each), closed. The round's check sees any leak. */
static const char *create_pass_close(void)
{
    for (int i = 0; i < 1000; i++) {
        int v = 42, o[6] = { sem_create(0), lock_create(), event_create(), cond_create(),
                             barrier_create(1), queue_create(4, 2, QUEUE_PRIO) };
        for (int k = 0; k < 6; k++)
            if (o[k] < 0)
                return FAILMSG("cycle %d: create %d gave %d", i, k, o[k]);
        event_set(o[2]);
        queue_put(o[5], &v, 0, WAIT_NONE);
        int d = sys_dup(o[5]);
        int status = 0;
        if (i % 50 == 0) {
            struct spawn_fd map[] = { { o[0], 3 }, { o[1], 4 }, { o[2], 5 }, { o[3], 6 },
                                      { o[4], 7 }, { d, 8 }, { -1, -1 } };
            char *argv[] = { "userchild", "syncobjs", NULL };
            int pid = sys_spawn("userchild", argv, 0, map);
            if (wait(pid, &status, CHILD_TIMEOUT) != pid)
                status = -1;
        }
        for (int k = 0; k < 6; k++)
            close(o[k]);
        close(d);
        if (d < 0 || status != 0)
            return FAILMSG("cycle %d: dup %d, child status 0x%x", i, d, status);
    }
    return NULL;
}

void test_sync_failures(void)
{
    judge("sync: kill a process blocked on each", kill_blocked());
    judge("sync: bad descriptors on every call", bad_descriptors());
    judge("sync: 1000 create/pass/close", create_pass_close());
}
