/*
 * pool_os_weft.c: the pool's operating system, on weft (pool_os.h).
 *
 * Course idea: the same thread pool source runs on Linux and on weft; only
 * this file and pool_os_posix.c differ. Here the primitives are weft's own
 * system calls: a mutex is a kernel mutex, a thread a weft thread of this
 * process, the clock the kernel's tick (1 ms), yield the scheduler's.
 *
 * The condition variable is built from a kernel semaphore, Birrell's way: a
 * waiter counts itself in (under the condvar's own lock) before it lets go
 * of the caller's mutex, and signal posts one unit per waiter counted, so no
 * wake-up is lost between the unlock and the wait. What the contract
 * allows happens: a thread arriving later may take a unit meant for an
 * earlier one (every caller re-checks its condition), and a waiter that
 * times out as it is signalled leaves a unit that wakes someone spuriously.
 *
 * weft has no fork(), so the process pool is not built here, and the fork
 * bookkeeping of pool_fork.h is empty.
 * Read next: lib/pool/threadpool.c, apps/pooldemo.c.
 */
#include <errno.h>

#include "pool_fork.h"
#include "pool_os.h"
#include "weft.h"

/* The descriptor behind *slot, created by whoever comes first. */
static int lazy(_Atomic int *slot, int (*create)(void))
{
    int fd = atomic_load(slot);
    if (fd > 0)
        return fd;
    int mine = create(), expected = 0;
    if (atomic_compare_exchange_strong(slot, &expected, mine))
        return mine;
    close(mine);                    /* another thread created it first */
    return expected;
}

static int new_mutex(void) { return mutex_create(); }
static int new_sem(void) { return sem_create(0); }

void pool_mutex_init(pool_mutex *m) { atomic_store(&m->fd, 0); }

void pool_mutex_destroy(pool_mutex *m)
{
    int fd = atomic_exchange(&m->fd, 0);
    if (fd > 0)
        close(fd);
}

void pool_mutex_lock(pool_mutex *m) { mutex_lock(lazy(&m->fd, new_mutex), WAIT_FOREVER); }
void pool_mutex_unlock(pool_mutex *m) { mutex_unlock(lazy(&m->fd, new_mutex)); }

void pool_cond_init(pool_cond *c)
{
    pool_mutex_init(&c->lock);
    atomic_store(&c->sem, 0);
    c->waiters = 0;
}

void pool_cond_destroy(pool_cond *c)
{
    pool_mutex_destroy(&c->lock);
    int fd = atomic_exchange(&c->sem, 0);
    if (fd > 0)
        close(fd);
}

/* Wait for a unit until `timeout` ticks; true if one came. */
static bool cond_wait_ticks(pool_cond *c, pool_mutex *m, uint32_t timeout)
{
    int sem = lazy(&c->sem, new_sem);
    pool_mutex_lock(&c->lock);
    c->waiters++;
    pool_mutex_unlock(&c->lock);
    pool_mutex_unlock(m);
    bool woken = sem_wait(sem, timeout) == 0;
    if (!woken) {
        pool_mutex_lock(&c->lock);
        if (c->waiters > 0)
            c->waiters--;           /* still counted: nobody posted for us */
        pool_mutex_unlock(&c->lock);
    }
    pool_mutex_lock(m);
    return woken;
}

void pool_cond_wait(pool_cond *c, pool_mutex *m) { cond_wait_ticks(c, m, WAIT_FOREVER); }

bool pool_cond_timedwait(pool_cond *c, pool_mutex *m, int64_t deadline_ns)
{
    int64_t left = deadline_ns - pool_now_ns();
    if (left <= 0)
        return false;
    int64_t t = (left + 999999) / 1000000;          /* whole ticks, rounded up */
    return cond_wait_ticks(c, m, t > 0x7FFFFFFF ? WAIT_FOREVER : (uint32_t)t);
}

static void post(pool_cond *c, int all)
{
    int sem = lazy(&c->sem, new_sem);
    pool_mutex_lock(&c->lock);
    while (c->waiters > 0) {
        c->waiters--;
        sem_post(sem);
        if (!all)
            break;
    }
    pool_mutex_unlock(&c->lock);
}

void pool_cond_signal(pool_cond *c) { post(c, 0); }
void pool_cond_broadcast(pool_cond *c) { post(c, 1); }

int pool_thread_start(pool_thread *t, void *(*fn)(void *), void *arg)
{
    int tid = thread_create(fn, arg, 0);
    if (tid < 0)
        return tid == -ENOMEM ? ENOMEM : EAGAIN;
    t->tid = tid;
    return 0;
}

void pool_thread_join(pool_thread *t) { thread_join(t->tid, NULL, WAIT_FOREVER); }
bool pool_thread_is_self(const pool_thread *t) { return t->tid == gettid(); }

void pool_run_once(pool_once *once, void (*init)(void))
{
    int expected = 0;
    if (atomic_compare_exchange_strong(once, &expected, 1)) {
        init();
        atomic_store(once, 2);
        return;
    }
    while (atomic_load(once) != 2)
        yield();
}

int64_t pool_now_ns(void) { return (int64_t)ticks() * 1000000; }
void pool_yield(void) { yield(); }

pid_t pool_os_fork(void)
{
    errno = ENOSYS;
    return -1;
}

void pool_os_set_fork(pid_t (*hook)(void)) { (void)hook; }

/* No fork on weft: nothing to close in children, one epoch for ever. */
void pool_fork_lock(void) {}
void pool_fork_unlock(void) {}
int pool_fork_reserve_locked(size_t n) { (void)n; return 0; }
void pool_fork_hold_locked(int fd) { (void)fd; }
void pool_fork_close(int *fd) { if (*fd >= 0) close(*fd); *fd = -1; }
void pool_fork_keep(int a, int b) { (void)a, (void)b; }
unsigned pool_fork_epoch(void) { return 0; }
void pool_fork_watch(void) {}
